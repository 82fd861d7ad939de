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
