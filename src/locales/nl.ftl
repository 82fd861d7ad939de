# Beckon-mails, Nederlands.

date-time = { $weekday } { $day } { $month } { $year }, { $time }
clock = 24
weekday-1 = maandag
weekday-2 = dinsdag
weekday-3 = woensdag
weekday-4 = donderdag
weekday-5 = vrijdag
weekday-6 = zaterdag
weekday-7 = zondag
month-1 = januari
month-2 = februari
month-3 = maart
month-4 = april
month-5 = mei
month-6 = juni
month-7 = juli
month-8 = augustus
month-9 = september
month-10 = oktober
month-11 = november
month-12 = december

greeting = Hallo { $name },
signature = { $agent }, { $org }
footer = Dit bericht is verstuurd door { $org } met Beckon, een zelf gehoste dienst voor ondersteuning op afstand.
link-fallback = Werkt de knop niet? Kopieer dan dit adres naar uw browser:
label-when = Gepland op
label-expires = Link geldig tot
label-agent = Uw contactpersoon
label-comment = Bericht van { $agent }
safety = Ga alleen verder als u { $org } om hulp hebt gevraagd. Niemand van { $org } zal u ooit om een betaling of om uw wachtwoorden vragen.
consent-note = Niemand kan uw scherm zien totdat u dat op de sessiepagina toestaat, en u kunt de sessie op elk moment beëindigen.
calendar-summary = Ondersteuningssessie op afstand met { $org }

invitation-subject = { $agent } van { $org } nodigt u uit voor een ondersteuningssessie op afstand
invitation-intro = { $agent } van { $org } wil u graag helpen via een ondersteuningssessie op afstand.
invitation-scheduled = De sessie is gepland op { $when }.
invitation-action = Sessiepagina openen

reminder-subject = Herinnering: uw ondersteuningssessie met { $org } begint binnenkort
reminder-intro = Uw ondersteuningssessie op afstand met { $agent } van { $org } begint op { $when }.
reminder-action = Sessiepagina openen

rescheduled-subject = Nieuw tijdstip voor uw ondersteuningssessie met { $org }
rescheduled-intro = { $agent } van { $org } heeft uw ondersteuningssessie op afstand verplaatst naar { $when }.
unscheduled-subject = Uw ondersteuningssessie met { $org } heeft geen vast tijdstip meer
unscheduled-intro = { $agent } van { $org } heeft het geplande tijdstip van uw ondersteuningssessie op afstand verwijderd. Uw link blijft geldig: open hem wanneer het u uitkomt, vóór { $expires }.
rescheduled-action = Sessiepagina openen

closed-subject = Uw ondersteuningsverzoek bij { $org } is gesloten
closed-intro = { $agent } van { $org } heeft uw verzoek om ondersteuning op afstand gesloten. De link die u hebt ontvangen, werkt niet meer.
closed-more = Hebt u nog hulp nodig? Neem dan opnieuw contact op met { $org }.

expired-subject = Uw ondersteuningslink van { $org } is verlopen
expired-intro = De link voor ondersteuning op afstand die { $agent } van { $org } u stuurde, is verlopen.
expired-more = Hebt u nog hulp nodig? Vraag { $org } dan om een nieuwe link.

agent-greeting = Hallo { $name },
assigned-subject = Aan u toegewezen: { $recipient }
assigned-intro = Het sessieverzoek voor { $recipient } is nu aan u toegewezen.
waiting-subject = { $recipient } wacht op u
waiting-intro = { $recipient } heeft de ondersteuningslink geopend en wacht tot u verbinding maakt.
agent-action = Verzoek openen
agent-expired-subject = Verlopen zonder sessie: { $recipient }
agent-expired-intro = Het sessieverzoek voor { $recipient } is verlopen voordat er een sessie plaatsvond. Open het opnieuw als de gebruiker nog hulp nodig heeft.

test-subject = Beckon-testmail
test-intro = Dit is een testmail van Beckon voor { $org }. Als u dit leest, werkt het versturen van mail.

## To agents: the end user declined
declined-subject = Geweigerd als onverwacht: { $recipient }
declined-intro = { $recipient } opende de supportlink en gaf aan deze sessie niet te hebben aangevraagd ("Dit was ik niet"). Het verzoek is gesloten. Als de link bij de verkeerde persoon is terechtgekomen, controleer dan het adres waarnaar hij is verstuurd.

## The end user's page (/s/TOKEN)
page-title = Ondersteuning op afstand
page-asks = { $agent } van { $org } wil u helpen in een sessie voor ondersteuning op afstand.
page-asks-org = { $org } wil u helpen in een sessie voor ondersteuning op afstand.
page-planned = Uw sessie is gepland op { $when }.
page-your-time = Dat is { $when } bij u.
page-reason = Reden
page-choose = Kies hoe u deelneemt. Niemand ziet uw scherm voordat u dat toestaat.
page-start-browser = Starten in deze browser
page-download = App voor { $platform } downloaden
page-download-note = Open het gedownloade bestand: het sluit zich vanzelf aan bij dit verzoek. Niets te installeren.
page-waiting = U bent aangemeld. Houd deze pagina open: uw supportmedewerker maakt zo verbinding.
page-ready = Toegang toegestaan. De sessie begint zodra uw supportmedewerker start.
page-in-session = Uw supportsessie loopt.
page-share = Mijn scherm delen
page-sharing = U deelt uw scherm.
page-stop = Stoppen
page-chat = Chat
page-chat-placeholder = Typ een bericht
page-send = Versturen
page-prompt-title = { $agent } van { $org } vraagt uw scherm te zien
page-prompt-body = Sta toegang alleen toe als u deze supportsessie verwacht. U kunt op elk moment stoppen.
page-prompt-timeout = Zonder antwoord wordt de toegang na { $seconds } seconden geweigerd.
page-allow = Toegang toestaan
page-deny = Weigeren
page-decline = Dit was ik niet / weigeren
page-declined = Dank u. Het verzoek is gesloten en { $org } is op de hoogte gebracht.
page-ended = Deze supportsessie is afgelopen.
page-in-use-title = Deze link is al in gebruik
page-in-use-body = De link is op een ander apparaat geopend. Ga daar verder, of vraag { $org } hem voor dit apparaat vrij te geven.
page-unknown-title = Deze link is niet geldig
page-unknown-body = Controleer de link in uw e-mail, of vraag uw supportcontact om een nieuwe.
page-finished-title = Dit supportverzoek is beëindigd
page-finished-body = Het verzoek is gesloten of verlopen. Hebt u nog hulp nodig, vraag uw supportcontact dan om een nieuwe link.
page-released = Deze link is vrijgegeven voor een ander apparaat.
page-session-over = De supportsessie is afgelopen. U kunt dit venster sluiten.
page-disconnected = De verbinding met uw supportmedewerker is verbroken. De sessie eindigt als die niet binnen { $seconds } seconden terugkomt.

# The link page by computer, its trust lines, and the assist app's own words.
page-use-computer = Open deze link op uw computer: scherm delen vraagt een Windows-, Linux- of Mac-computer.
page-send-link = Deze link naar mezelf mailen
page-no-app = De app is er nog niet voor deze computer: begin in plaats daarvan in deze browser.
page-checksum = SHA-256
page-signed-by = Ondertekend door { $publisher }
page-unsigned = Niet ondertekend
page-code-hint = Vraagt de app om een code, typ dan:
page-steps-title = Wat er gaat gebeuren
page-step-1 = Download en open de app (of begin in deze browser).
page-step-2 = Controleer dat hij { $org } en { $agent } noemt.
page-step-2-org = Controleer dat hij { $org } noemt.
page-step-3 = Als uw medewerker erom vraagt, staat u toegang toe. U kunt altijd stoppen.
page-host = U bent op { $host }.
page-call-us = Twijfelt u, bel { $org } dan op een nummer dat u al kent.
page-call-us-phone = Twijfelt u, bel { $org } dan op een nummer dat u al kent, zoals { $phone }.
page-other-agent = Let op: { $agent } is niet de medewerker uit uw uitnodiging ({ $named }). Sta alleen toe als u dit verwacht.
page-decline-confirm = Dit verzoek sluiten en { $org } laten weten dat u er niet om vroeg?
page-decline-yes = Ja, sluiten
page-cancel = Annuleren
app-control-title = { $agent } vraagt uw muis en toetsenbord te besturen
app-control-body = Sta dit alleen toe als u wilt dat { $org } op uw computer werkt. U kunt de besturing altijd terugnemen.
app-allow-control = Besturing toestaan
app-controlled = { $agent } bestuurt uw computer.
app-take-back = Besturing terugnemen
app-end = Sessie beëindigen
