# Beckon-Mails, Deutsch.

date-time = { $weekday }, { $day }. { $month } { $year }, { $time } Uhr
clock = 24
weekday-1 = Montag
weekday-2 = Dienstag
weekday-3 = Mittwoch
weekday-4 = Donnerstag
weekday-5 = Freitag
weekday-6 = Samstag
weekday-7 = Sonntag
month-1 = Januar
month-2 = Februar
month-3 = März
month-4 = April
month-5 = Mai
month-6 = Juni
month-7 = Juli
month-8 = August
month-9 = September
month-10 = Oktober
month-11 = November
month-12 = Dezember

greeting = Hallo { $name },
signature = { $agent }, { $org }
footer = Diese Nachricht wurde von { $org } mit Beckon versendet, einem selbst betriebenen Fernwartungsdienst.
link-fallback = Falls die Schaltfläche nicht funktioniert, kopieren Sie diese Adresse in Ihren Browser:
label-when = Geplant für
label-expires = Link gültig bis
label-agent = Ihr Ansprechpartner
label-comment = Nachricht von { $agent }
safety = Fahren Sie nur fort, wenn Sie { $org } um Hilfe gebeten haben. Niemand von { $org } wird Sie jemals nach einer Zahlung oder nach Ihren Passwörtern fragen.
consent-note = Niemand kann Ihren Bildschirm sehen, bevor Sie es auf der Sitzungsseite erlauben, und Sie können die Sitzung jederzeit beenden.
calendar-summary = Fernwartungssitzung mit { $org }

invitation-subject = { $agent } von { $org } lädt Sie zu einer Fernwartungssitzung ein
invitation-intro = { $agent } von { $org } möchte Ihnen in einer Fernwartungssitzung helfen.
invitation-scheduled = Die Sitzung ist für { $when } geplant.
invitation-action = Sitzungsseite öffnen

reminder-subject = Erinnerung: Ihre Support-Sitzung mit { $org } beginnt bald
reminder-intro = Ihre Fernwartungssitzung mit { $agent } von { $org } beginnt am { $when }.
reminder-action = Sitzungsseite öffnen

rescheduled-subject = Neuer Termin für Ihre Support-Sitzung mit { $org }
rescheduled-intro = { $agent } von { $org } hat Ihre Fernwartungssitzung auf { $when } verschoben.
unscheduled-subject = Ihre Support-Sitzung mit { $org } hat keinen festen Termin mehr
unscheduled-intro = { $agent } von { $org } hat den geplanten Termin Ihrer Fernwartungssitzung entfernt. Ihr Link bleibt gültig: Öffnen Sie ihn, wann es Ihnen passt, vor dem { $expires }.
rescheduled-action = Sitzungsseite öffnen

closed-subject = Ihre Support-Anfrage bei { $org } ist abgeschlossen
closed-intro = { $agent } von { $org } hat Ihre Fernwartungsanfrage abgeschlossen. Der erhaltene Link funktioniert nicht mehr.
closed-more = Wenn Sie weiterhin Hilfe brauchen, wenden Sie sich bitte erneut an { $org }.

expired-subject = Ihr Support-Link von { $org } ist abgelaufen
expired-intro = Der Fernwartungslink, den { $agent } von { $org } Ihnen geschickt hat, ist abgelaufen.
expired-more = Wenn Sie weiterhin Hilfe brauchen, bitten Sie { $org } um einen neuen Link.

agent-greeting = Hallo { $name },
assigned-subject = Ihnen zugewiesen: { $recipient }
assigned-intro = Die Sitzungsanfrage für { $recipient } ist jetzt Ihnen zugewiesen.
waiting-subject = { $recipient } wartet auf Sie
waiting-intro = { $recipient } hat den Support-Link geöffnet und wartet darauf, dass Sie sich verbinden.
agent-action = Anfrage öffnen
agent-expired-subject = Abgelaufen ohne Sitzung: { $recipient }
agent-expired-intro = Die Sitzungsanfrage für { $recipient } ist abgelaufen, ohne dass eine Sitzung stattfand. Öffnen Sie sie erneut, falls weiterhin Hilfe nötig ist.

test-subject = Beckon-Testmail
test-intro = Dies ist eine Testmail von Beckon für { $org }. Wenn Sie sie lesen, funktioniert der Mailversand.

## To agents: the end user declined
declined-subject = Als unerwartet abgelehnt: { $recipient }
declined-intro = { $recipient } hat den Support-Link geöffnet und angegeben, diese Sitzung nicht angefordert zu haben („Das war ich nicht“). Die Anfrage ist geschlossen. Falls der Link die falsche Person erreicht hat, prüfen Sie die Adresse, an die er gesendet wurde.

## The end user's page (/s/TOKEN)
page-title = Fernsupport
page-asks = { $agent } von { $org } möchte Ihnen in einer Fernsupport-Sitzung helfen.
page-asks-org = { $org } möchte Ihnen in einer Fernsupport-Sitzung helfen.
page-planned = Ihre Sitzung ist für { $when } geplant.
page-your-time = Das ist bei Ihnen { $when }.
page-reason = Anlass
page-choose = Wählen Sie, wie Sie teilnehmen möchten. Niemand sieht Ihren Bildschirm, bevor Sie es erlauben.
page-start-browser = In diesem Browser starten
page-download = App für { $platform } herunterladen
page-download-note = Öffnen Sie die heruntergeladene Datei: Sie tritt dieser Anfrage von selbst bei. Keine Installation nötig.
page-waiting = Sie sind angemeldet. Lassen Sie diese Seite geöffnet: Ihr Support-Mitarbeiter verbindet sich gleich.
page-ready = Zugriff erlaubt. Die Sitzung beginnt, sobald Ihr Support-Mitarbeiter sie startet.
page-in-session = Ihre Support-Sitzung läuft.
page-share = Meinen Bildschirm teilen
page-sharing = Sie teilen Ihren Bildschirm.
page-stop = Beenden
page-chat = Chat
page-chat-placeholder = Nachricht eingeben
page-send = Senden
page-prompt-title = { $agent } von { $org } möchte Ihren Bildschirm sehen
page-prompt-body = Erlauben Sie den Zugriff nur, wenn Sie diese Support-Sitzung erwarten. Sie können jederzeit beenden.
page-prompt-timeout = Ohne Antwort wird der Zugriff nach { $seconds } Sekunden verweigert.
page-allow = Zugriff erlauben
page-deny = Ablehnen
page-decline = Das war ich nicht / ablehnen
page-declined = Danke. Die Anfrage ist geschlossen und { $org } wurde informiert.
page-ended = Diese Support-Sitzung ist beendet.
page-in-use-title = Dieser Link wird bereits verwendet
page-in-use-body = Der Link wurde auf einem anderen Gerät geöffnet. Fahren Sie dort fort oder bitten Sie { $org }, ihn für dieses Gerät freizugeben.
page-unknown-title = Dieser Link ist ungültig
page-unknown-body = Bitte prüfen Sie den Link in Ihrer E-Mail oder bitten Sie Ihren Ansprechpartner um einen neuen.
page-finished-title = Diese Supportanfrage ist beendet
page-finished-body = Die Anfrage wurde geschlossen oder ist abgelaufen. Wenn Sie weiterhin Hilfe brauchen, bitten Sie Ihren Ansprechpartner um einen neuen Link.
page-released = Dieser Link wurde für ein anderes Gerät freigegeben.
page-session-over = Die Support-Sitzung ist beendet. Sie können dieses Fenster schließen.
page-disconnected = Die Verbindung zu Ihrem Support-Mitarbeiter ist unterbrochen. Die Sitzung endet, wenn sie nicht innerhalb von { $seconds } Sekunden zurückkehrt.

# The link page by computer, its trust lines, and the assist app's own words.
page-use-computer = Bitte öffnen Sie diesen Link auf Ihrem Computer: Bildschirmfreigabe braucht einen Windows-, Linux- oder Mac-Computer.
page-send-link = Diesen Link an mich selbst mailen
page-no-app = Für diesen Computer gibt es die App noch nicht: Starten Sie stattdessen in diesem Browser.
page-checksum = SHA-256
page-signed-by = Signiert von { $publisher }
page-unsigned = Nicht signiert
page-code-hint = Falls die App nach einem Code fragt, geben Sie ein:
page-steps-title = So geht es weiter
page-step-1 = Laden Sie die App herunter und öffnen Sie sie (oder starten Sie in diesem Browser).
page-step-2 = Prüfen Sie, dass sie { $org } und { $agent } nennt.
page-step-2-org = Prüfen Sie, dass sie { $org } nennt.
page-step-3 = Wenn Ihr Ansprechpartner fragt, erlauben Sie den Zugriff. Sie können jederzeit beenden.
page-host = Sie sind auf { $host }.
page-call-us = Im Zweifel rufen Sie { $org } unter einer Nummer an, die Sie bereits kennen.
page-call-us-phone = Im Zweifel rufen Sie { $org } unter einer Nummer an, die Sie bereits kennen, etwa { $phone }.
page-other-agent = Hinweis: { $agent } ist nicht der in Ihrer Einladung genannte Ansprechpartner ({ $named }). Erlauben Sie nur, wenn Sie damit rechnen.
page-decline-confirm = Diese Anfrage schließen und { $org } mitteilen, dass Sie sie nicht erwartet haben?
page-decline-yes = Ja, schließen
page-cancel = Abbrechen
app-control-title = { $agent } möchte Ihre Maus und Tastatur steuern
app-control-body = Erlauben Sie nur, wenn { $org } an Ihrem Computer arbeiten soll. Sie können die Steuerung jederzeit zurücknehmen.
app-allow-control = Steuerung erlauben
app-controlled = { $agent } steuert Ihren Computer.
app-take-back = Steuerung zurücknehmen
app-end = Sitzung beenden
