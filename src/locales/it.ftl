# Email di Beckon, italiano.

date-time = { $weekday } { $day } { $month } { $year }, ore { $time }
clock = 24
weekday-1 = lunedì
weekday-2 = martedì
weekday-3 = mercoledì
weekday-4 = giovedì
weekday-5 = venerdì
weekday-6 = sabato
weekday-7 = domenica
month-1 = gennaio
month-2 = febbraio
month-3 = marzo
month-4 = aprile
month-5 = maggio
month-6 = giugno
month-7 = luglio
month-8 = agosto
month-9 = settembre
month-10 = ottobre
month-11 = novembre
month-12 = dicembre

greeting = Buongiorno { $name },
signature = { $agent }, { $org }
footer = Questo messaggio è stato inviato da { $org } con Beckon, un servizio di assistenza remota in hosting autonomo.
link-fallback = Se il pulsante non funziona, copia questo indirizzo nel browser:
label-when = Prevista per
label-expires = Link valido fino a
label-agent = Il tuo referente
label-comment = Messaggio di { $agent }
safety = Continua solo se hai chiesto aiuto a { $org }. Nessuno di { $org } ti chiederà mai un pagamento o le tue password.
consent-note = Nessuno può vedere il tuo schermo finché non lo consenti nella pagina della sessione, e puoi terminare la sessione in qualsiasi momento.
calendar-summary = Sessione di assistenza remota con { $org }

invitation-subject = { $agent } di { $org } ti invita a una sessione di assistenza remota
invitation-intro = { $agent } di { $org } vorrebbe aiutarti con una sessione di assistenza remota.
invitation-scheduled = La sessione è prevista per { $when }.
invitation-action = Apri la pagina della sessione

reminder-subject = Promemoria: la tua sessione di assistenza con { $org } inizia a breve
reminder-intro = La tua sessione di assistenza remota con { $agent } di { $org } inizia { $when }.
reminder-action = Apri la pagina della sessione

rescheduled-subject = Nuovo orario per la tua sessione di assistenza con { $org }
rescheduled-intro = { $agent } di { $org } ha spostato la tua sessione di assistenza remota a { $when }.
unscheduled-subject = La tua sessione di assistenza con { $org } non ha più un orario fisso
unscheduled-intro = { $agent } di { $org } ha rimosso l’orario previsto della tua sessione di assistenza remota. Il link resta valido: aprilo quando preferisci entro { $expires }.
rescheduled-action = Apri la pagina della sessione

closed-subject = La tua richiesta di assistenza a { $org } è chiusa
closed-intro = { $agent } di { $org } ha chiuso la tua richiesta di assistenza remota. Il link che hai ricevuto non funziona più.
closed-more = Se hai ancora bisogno di aiuto, contatta di nuovo { $org }.

expired-subject = Il tuo link di assistenza di { $org } è scaduto
expired-intro = Il link di assistenza remota che { $agent } di { $org } ti ha inviato è scaduto.
expired-more = Se hai ancora bisogno di aiuto, chiedi a { $org } un nuovo link.

agent-greeting = Ciao { $name },
assigned-subject = Assegnata a te: { $recipient }
assigned-intro = La richiesta di sessione per { $recipient } ora è assegnata a te.
waiting-subject = { $recipient } ti sta aspettando
waiting-intro = { $recipient } ha aperto il link di assistenza e aspetta che tu ti colleghi.
agent-action = Apri la richiesta
agent-expired-subject = Scaduta senza sessione: { $recipient }
agent-expired-intro = La richiesta di sessione per { $recipient } è scaduta prima che si svolgesse una sessione. Riaprila se l’utente ha ancora bisogno di aiuto.

test-subject = Email di prova di Beckon
test-intro = Questa è un’email di prova di Beckon per { $org }. Se la stai leggendo, l’invio delle email funziona.

## To agents: the end user declined
declined-subject = Rifiutata come inattesa: { $recipient }
declined-intro = { $recipient } ha aperto il link di assistenza e ha indicato di non aver richiesto questa sessione («Non ero io»). La richiesta è chiusa. Se il link ha raggiunto la persona sbagliata, controlla l'indirizzo a cui è stato inviato.

## The end user's page (/s/TOKEN)
page-title = Assistenza remota
page-asks = { $agent } di { $org } vorrebbe aiutarti con una sessione di assistenza remota.
page-asks-org = { $org } vorrebbe aiutarti con una sessione di assistenza remota.
page-planned = La tua sessione è prevista per { $when }.
page-your-time = Cioè { $when } dove ti trovi.
page-reason = Motivo
page-choose = Scegli come partecipare. Nessuno può vedere il tuo schermo finché non lo consenti.
page-start-browser = Avvia in questo browser
page-download = Scarica l'app per { $platform }
page-download-note = Apri il file scaricato: si collega da solo a questa richiesta. Niente da installare.
page-waiting = Registrazione completata. Tieni aperta questa pagina: il tuo operatore si collegherà a breve.
page-ready = Accesso consentito. La sessione inizia non appena il tuo operatore la avvia.
page-in-session = La tua sessione di assistenza è in corso.
page-share = Condividi il mio schermo
page-sharing = Stai condividendo il tuo schermo.
page-stop = Interrompi
page-chat = Chat
page-chat-placeholder = Scrivi un messaggio
page-send = Invia
page-prompt-title = { $agent } di { $org } chiede di vedere il tuo schermo
page-prompt-body = Consenti l'accesso solo se aspetti questa sessione di assistenza. Puoi interromperla in qualsiasi momento.
page-prompt-timeout = Senza risposta, l'accesso viene negato dopo { $seconds } secondi.
page-allow = Consenti l'accesso
page-deny = Nega
page-decline = Non ero io / rifiuta
page-declined = Grazie. La richiesta è chiusa e { $org } è stata avvisata.
page-ended = Questa sessione di assistenza è terminata.
page-in-use-title = Questo link è già in uso
page-in-use-body = Il link è stato aperto su un altro dispositivo. Continua lì, oppure chiedi a { $org } di sbloccarlo per questo dispositivo.
page-unknown-title = Questo link non è valido
page-unknown-body = Controlla il link nella tua email oppure chiedine uno nuovo al tuo referente dell'assistenza.
page-finished-title = Questa richiesta di assistenza è terminata
page-finished-body = La richiesta è stata chiusa o è scaduta. Se hai ancora bisogno di aiuto, chiedi un nuovo link al tuo referente dell'assistenza.
page-released = Questo link è stato sbloccato per un altro dispositivo.
page-session-over = La sessione di assistenza è terminata. Puoi chiudere questa finestra.
page-disconnected = La connessione con il tuo operatore si è interrotta. La sessione termina se non viene ripristinata entro { $seconds } secondi.

# The link page by computer, its trust lines, and the assist app's own words.
page-use-computer = Apri questo link sul tuo computer: la condivisione dello schermo richiede un computer Windows, Linux o Mac.
page-send-link = Inviami questo link per e-mail
page-no-app = L'app non è ancora disponibile per questo computer: inizia in questo browser.
page-checksum = SHA-256
page-signed-by = Firmata da { $publisher }
page-unsigned = Non firmata
page-code-hint = Se l'app chiede un codice, digita:
page-steps-title = Cosa succederà
page-step-1 = Scarica e apri l'app (oppure inizia in questo browser).
page-step-2 = Controlla che indichi { $org } e { $agent }.
page-step-2-org = Controlla che indichi { $org }.
page-step-3 = Quando il tuo operatore lo chiede, consenti l'accesso. Puoi interrompere in qualsiasi momento.
page-host = Sei su { $host }.
page-call-us = Nel dubbio, chiama { $org } a un numero che conosci già.
page-call-us-phone = Nel dubbio, chiama { $org } a un numero che conosci già, ad esempio { $phone }.
page-other-agent = Attenzione: { $agent } non è l'operatore indicato nel tuo invito ({ $named }). Consenti solo se te lo aspetti.
page-decline-confirm = Chiudere questa richiesta e avvisare { $org } che non l'hai chiesta tu?
page-decline-yes = Sì, chiudila
page-cancel = Annulla
app-control-title = { $agent } chiede di controllare mouse e tastiera
app-control-body = Consenti solo se vuoi che { $org } lavori sul tuo computer. Puoi riprendere il controllo in qualsiasi momento.
app-allow-control = Consenti il controllo
app-controlled = { $agent } sta controllando il tuo computer.
app-take-back = Riprendi il controllo
app-end = Termina la sessione
