# Wiadomości Beckon, polski.

date-time = { $weekday }, { $day } { $month } { $year }, { $time }
clock = 24
weekday-1 = poniedziałek
weekday-2 = wtorek
weekday-3 = środa
weekday-4 = czwartek
weekday-5 = piątek
weekday-6 = sobota
weekday-7 = niedziela
month-1 = stycznia
month-2 = lutego
month-3 = marca
month-4 = kwietnia
month-5 = maja
month-6 = czerwca
month-7 = lipca
month-8 = sierpnia
month-9 = września
month-10 = października
month-11 = listopada
month-12 = grudnia

greeting = Dzień dobry { $name },
signature = { $agent }, { $org }
footer = Tę wiadomość wysłała organizacja { $org } za pomocą Beckon, samodzielnie hostowanej usługi zdalnej pomocy.
link-fallback = Jeśli przycisk nie działa, skopiuj ten adres do przeglądarki:
label-when = Zaplanowano na
label-expires = Link ważny do
label-agent = Twoja osoba kontaktowa
label-comment = Wiadomość od: { $agent }
safety = Kontynuuj tylko wtedy, gdy prosiłeś { $org } o pomoc. Nikt z { $org } nigdy nie poprosi Cię o płatność ani o hasła.
consent-note = Nikt nie zobaczy Twojego ekranu, dopóki nie zezwolisz na to na stronie sesji, a sesję możesz zakończyć w każdej chwili.
calendar-summary = Sesja zdalnej pomocy z { $org }

invitation-subject = { $agent } z { $org } zaprasza Cię na sesję zdalnej pomocy
invitation-intro = { $agent } z { $org } chce Ci pomóc podczas sesji zdalnej pomocy.
invitation-scheduled = Sesja jest zaplanowana na { $when }.
invitation-action = Otwórz stronę sesji

reminder-subject = Przypomnienie: Twoja sesja pomocy z { $org } wkrótce się zacznie
reminder-intro = Twoja sesja zdalnej pomocy ({ $agent }, { $org }) zaczyna się { $when }.
reminder-action = Otwórz stronę sesji

rescheduled-subject = Nowy termin Twojej sesji pomocy z { $org }
rescheduled-intro = { $agent } z { $org } przeniósł(-osła) Twoją sesję zdalnej pomocy na { $when }.
unscheduled-subject = Twoja sesja pomocy z { $org } nie ma już ustalonego terminu
unscheduled-intro = { $agent } z { $org } usunął(-ęła) zaplanowany termin Twojej sesji zdalnej pomocy. Twój link nadal działa: otwórz go, kiedy Ci odpowiada, przed { $expires }.
rescheduled-action = Otwórz stronę sesji

closed-subject = Twoje zgłoszenie pomocy w { $org } zostało zamknięte
closed-intro = { $agent } z { $org } zamknął(-ęła) Twoje zgłoszenie zdalnej pomocy. Otrzymany link już nie działa.
closed-more = Jeśli nadal potrzebujesz pomocy, skontaktuj się ponownie z { $org }.

expired-subject = Twój link pomocy od { $org } wygasł
expired-intro = Link do zdalnej pomocy, który wysłał(-a) Ci { $agent } z { $org }, wygasł.
expired-more = Jeśli nadal potrzebujesz pomocy, poproś { $org } o nowy link.

agent-greeting = Cześć { $name },
assigned-subject = Przypisano do Ciebie: { $recipient }
assigned-intro = Prośba o sesję dla { $recipient } jest teraz przypisana do Ciebie.
waiting-subject = { $recipient } czeka na Ciebie
waiting-intro = { $recipient } otworzył(-a) link pomocy i czeka, aż się połączysz.
agent-action = Otwórz prośbę
agent-expired-subject = Wygasło bez sesji: { $recipient }
agent-expired-intro = Prośba o sesję dla { $recipient } wygasła, zanim odbyła się sesja. Otwórz ją ponownie, jeśli użytkownik nadal potrzebuje pomocy.

test-subject = Wiadomość testowa Beckon
test-intro = To jest wiadomość testowa Beckon dla { $org }. Jeśli ją czytasz, wysyłanie poczty działa.

## To agents: the end user declined
declined-subject = Odrzucone jako nieoczekiwane: { $recipient }
declined-intro = { $recipient } otworzył(a) link pomocy i zaznaczył(a), że nie prosił(a) o tę sesję („To nie ja”). Zgłoszenie jest zamknięte. Jeśli link trafił do niewłaściwej osoby, sprawdź adres, na który został wysłany.

## The end user's page (/s/TOKEN)
page-title = Pomoc zdalna
page-asks = { $agent } z { $org } chce Ci pomóc podczas sesji pomocy zdalnej.
page-asks-org = { $org } chce Ci pomóc podczas sesji pomocy zdalnej.
page-planned = Twoja sesja jest zaplanowana na { $when }.
page-your-time = U Ciebie to { $when }.
page-reason = Powód
page-choose = Wybierz sposób dołączenia. Nikt nie zobaczy Twojego ekranu, dopóki na to nie pozwolisz.
page-start-browser = Rozpocznij w tej przeglądarce
page-download = Pobierz aplikację dla { $platform }
page-download-note = Otwórz pobrany plik: sam dołączy do tego zgłoszenia. Niczego nie trzeba instalować.
page-waiting = Zgłoszono obecność. Nie zamykaj tej strony: konsultant wkrótce się połączy.
page-ready = Dostęp przyznany. Sesja zacznie się, gdy konsultant ją rozpocznie.
page-in-session = Twoja sesja pomocy trwa.
page-share = Udostępnij mój ekran
page-sharing = Udostępniasz swój ekran.
page-stop = Zatrzymaj
page-chat = Czat
page-chat-placeholder = Wpisz wiadomość
page-send = Wyślij
page-prompt-title = { $agent } z { $org } prosi o dostęp do Twojego ekranu
page-prompt-body = Zezwól tylko wtedy, gdy oczekujesz tej sesji pomocy. Możesz ją przerwać w każdej chwili.
page-prompt-timeout = Bez odpowiedzi dostęp zostanie odrzucony po { $seconds } sekundach.
page-allow = Zezwól na dostęp
page-deny = Odmów
page-decline = To nie ja / odrzuć
page-declined = Dziękujemy. Zgłoszenie jest zamknięte, a { $org } zostało powiadomione.
page-ended = Ta sesja pomocy się zakończyła.
page-in-use-title = Ten link jest już w użyciu
page-in-use-body = Link został otwarty na innym urządzeniu. Kontynuuj tam albo poproś { $org } o zwolnienie go dla tego urządzenia.
page-unknown-title = Ten link jest nieprawidłowy
page-unknown-body = Sprawdź link w wiadomości e-mail lub poproś osobę z pomocy technicznej o nowy.
page-finished-title = To zgłoszenie pomocy zostało zakończone
page-finished-body = Zgłoszenie zostało zamknięte lub wygasło. Jeśli nadal potrzebujesz pomocy, poproś osobę z pomocy technicznej o nowy link.
page-released = Ten link został zwolniony dla innego urządzenia.
page-session-over = Sesja pomocy się zakończyła. Możesz zamknąć to okno.
page-disconnected = Połączenie z konsultantem zostało przerwane. Sesja zakończy się, jeśli nie zostanie przywrócone w ciągu { $seconds } s.

# The link page by computer, its trust lines, and the assist app's own words.
page-use-computer = Otwórz ten link na komputerze: udostępnianie ekranu wymaga komputera z Windows, Linux lub Mac.
page-send-link = Wyślij mi ten link e-mailem
page-no-app = Aplikacja nie jest jeszcze dostępna dla tego komputera: zacznij w tej przeglądarce.
page-checksum = SHA-256
page-signed-by = Podpisano przez { $publisher }
page-unsigned = Niepodpisana
page-code-hint = Jeśli aplikacja poprosi o kod, wpisz:
page-steps-title = Co się stanie
page-step-1 = Pobierz i otwórz aplikację (albo zacznij w tej przeglądarce).
page-step-2 = Sprawdź, czy wymienia { $org } i { $agent }.
page-step-2-org = Sprawdź, czy wymienia { $org }.
page-step-3 = Gdy konsultant poprosi, zezwól na dostęp. Możesz przerwać w każdej chwili.
page-host = Jesteś na { $host }.
page-call-us = W razie wątpliwości zadzwoń do { $org } pod numer, który już znasz.
page-call-us-phone = W razie wątpliwości zadzwoń do { $org } pod numer, który już znasz, np. { $phone }.
page-other-agent = Uwaga: { $agent } nie jest konsultantem wskazanym w zaproszeniu ({ $named }). Zezwól tylko, jeśli się tego spodziewasz.
page-decline-confirm = Zamknąć to zgłoszenie i poinformować { $org }, że o nie nie prosiłeś?
page-decline-yes = Tak, zamknij
page-cancel = Anuluj
app-control-title = { $agent } prosi o sterowanie Twoją myszą i klawiaturą
app-control-body = Zezwól tylko, jeśli chcesz, aby { $org } pracował na Twoim komputerze. Sterowanie możesz odebrać w każdej chwili.
app-allow-control = Zezwól na sterowanie
app-controlled = { $agent } steruje Twoim komputerem.
app-take-back = Odbierz sterowanie
app-end = Zakończ sesję
