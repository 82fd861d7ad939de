# Courriels Beckon, français.

date-time = { $weekday } { $day } { $month } { $year } à { $time }
clock = 24
weekday-1 = lundi
weekday-2 = mardi
weekday-3 = mercredi
weekday-4 = jeudi
weekday-5 = vendredi
weekday-6 = samedi
weekday-7 = dimanche
month-1 = janvier
month-2 = février
month-3 = mars
month-4 = avril
month-5 = mai
month-6 = juin
month-7 = juillet
month-8 = août
month-9 = septembre
month-10 = octobre
month-11 = novembre
month-12 = décembre

greeting = Bonjour { $name },
signature = { $agent }, { $org }
footer = Ce message a été envoyé par { $org } avec Beckon, un service d’assistance à distance auto-hébergé.
link-fallback = Si le bouton ne fonctionne pas, copiez cette adresse dans votre navigateur :
label-when = Prévue le
label-expires = Lien valable jusqu’au
label-agent = Votre contact
label-comment = Message de { $agent }
safety = Ne continuez que si vous avez demandé de l’aide à { $org }. Personne de { $org } ne vous demandera jamais de paiement ni vos mots de passe.
consent-note = Personne ne peut voir votre écran tant que vous ne l’avez pas autorisé sur la page de la session, et vous pouvez y mettre fin à tout moment.
calendar-summary = Session d’assistance à distance avec { $org }

invitation-subject = { $agent } de { $org } vous invite à une session d’assistance à distance
invitation-intro = { $agent } de { $org } souhaite vous aider au cours d’une session d’assistance à distance.
invitation-scheduled = La session est prévue le { $when }.
invitation-action = Ouvrir la page de la session

reminder-subject = Rappel : votre session d’assistance avec { $org } commence bientôt
reminder-intro = Votre session d’assistance à distance avec { $agent } de { $org } commence le { $when }.
reminder-action = Ouvrir la page de la session

rescheduled-subject = Nouvel horaire pour votre session d’assistance avec { $org }
rescheduled-intro = { $agent } de { $org } a déplacé votre session d’assistance à distance au { $when }.
unscheduled-subject = Votre session d’assistance avec { $org } n’a plus d’horaire fixe
unscheduled-intro = { $agent } de { $org } a retiré l’horaire prévu de votre session d’assistance à distance. Votre lien reste valable : ouvrez-le quand vous le souhaitez avant le { $expires }.
rescheduled-action = Ouvrir la page de la session

closed-subject = Votre demande d’assistance auprès de { $org } est close
closed-intro = { $agent } de { $org } a clos votre demande d’assistance à distance. Le lien que vous avez reçu ne fonctionne plus.
closed-more = Si vous avez encore besoin d’aide, contactez de nouveau { $org }.

expired-subject = Votre lien d’assistance de { $org } a expiré
expired-intro = Le lien d’assistance à distance que { $agent } de { $org } vous a envoyé a expiré.
expired-more = Si vous avez encore besoin d’aide, demandez un nouveau lien à { $org }.

agent-greeting = Bonjour { $name },
assigned-subject = Vous a été attribuée : { $recipient }
assigned-intro = La demande de session de { $recipient } vous est maintenant attribuée.
waiting-subject = { $recipient } vous attend
waiting-intro = { $recipient } a ouvert le lien d’assistance et attend que vous vous connectiez.
agent-action = Ouvrir la demande
agent-expired-subject = Expirée sans session : { $recipient }
agent-expired-intro = La demande de session de { $recipient } a expiré avant qu’une session ait eu lieu. Rouvrez-la si l’utilisateur a encore besoin d’aide.

test-subject = Courriel de test Beckon
test-intro = Ceci est un courriel de test de Beckon pour { $org }. Si vous le lisez, l’envoi des courriels fonctionne.

## To agents: the end user declined
declined-subject = Refusée comme inattendue : { $recipient }
declined-intro = { $recipient } a ouvert le lien d'assistance et indiqué ne pas avoir demandé cette session (« Ce n'était pas moi »). La demande est fermée. Si le lien a atteint la mauvaise personne, vérifiez l'adresse à laquelle il a été envoyé.

## The end user's page (/s/TOKEN)
page-title = Assistance à distance
page-asks = { $agent } de { $org } souhaite vous aider lors d'une session d'assistance à distance.
page-asks-org = { $org } souhaite vous aider lors d'une session d'assistance à distance.
page-planned = Votre session est prévue le { $when }.
page-your-time = Soit { $when } chez vous.
page-reason = Motif
page-choose = Choisissez comment participer. Personne ne voit votre écran tant que vous ne l'avez pas autorisé.
page-start-browser = Démarrer dans ce navigateur
page-download = Télécharger l'application pour { $platform }
page-download-note = Ouvrez le fichier téléchargé : il rejoint cette demande tout seul. Rien à installer.
page-waiting = Vous êtes enregistré. Gardez cette page ouverte : votre technicien va se connecter sous peu.
page-ready = Accès autorisé. La session commence dès que votre technicien la lance.
page-in-session = Votre session d'assistance est en cours.
page-share = Partager mon écran
page-sharing = Vous partagez votre écran.
page-stop = Arrêter
page-chat = Discussion
page-chat-placeholder = Saisissez un message
page-send = Envoyer
page-prompt-title = { $agent } de { $org } demande à voir votre écran
page-prompt-body = N'autorisez l'accès que si vous attendez cette session d'assistance. Vous pouvez arrêter à tout moment.
page-prompt-timeout = Sans réponse, l'accès est refusé au bout de { $seconds } secondes.
page-allow = Autoriser l'accès
page-deny = Refuser
page-decline = Ce n'était pas moi / refuser
page-declined = Merci. La demande est fermée et { $org } a été prévenu.
page-ended = Cette session d'assistance est terminée.
page-in-use-title = Ce lien est déjà utilisé
page-in-use-body = Le lien a été ouvert sur un autre appareil. Continuez sur celui-ci, ou demandez à { $org } de le libérer pour cet appareil.
page-unknown-title = Ce lien n'est pas valide
page-unknown-body = Vérifiez le lien dans votre e-mail, ou demandez-en un nouveau à votre contact d'assistance.
page-finished-title = Cette demande d'assistance est terminée
page-finished-body = La demande a été fermée ou a expiré. Si vous avez encore besoin d'aide, demandez un nouveau lien à votre contact d'assistance.
page-released = Ce lien a été libéré pour un autre appareil.
page-session-over = La session d'assistance est terminée. Vous pouvez fermer cette fenêtre.
page-disconnected = La connexion avec votre technicien a été interrompue. La session prend fin si elle n'est pas rétablie dans les { $seconds } secondes.

# The link page by computer, its trust lines, and the assist app's own words.
page-use-computer = Ouvrez ce lien sur votre ordinateur : le partage d'écran demande un ordinateur Windows, Linux ou Mac.
page-send-link = M'envoyer ce lien par e-mail
page-no-app = L'application n'existe pas encore pour cet ordinateur : commencez plutôt dans ce navigateur.
page-checksum = SHA-256
page-signed-by = Signée par { $publisher }
page-unsigned = Non signée
page-code-hint = Si l'application demande un code, saisissez :
page-steps-title = Ce qui va se passer
page-step-1 = Téléchargez et ouvrez l'application (ou commencez dans ce navigateur).
page-step-2 = Vérifiez qu'elle nomme { $org } et { $agent }.
page-step-2-org = Vérifiez qu'elle nomme { $org }.
page-step-3 = Quand votre agent le demande, autorisez l'accès. Vous pouvez arrêter à tout moment.
page-host = Vous êtes sur { $host }.
page-call-us = En cas de doute, appelez { $org } à un numéro que vous connaissez déjà.
page-call-us-phone = En cas de doute, appelez { $org } à un numéro que vous connaissez déjà, par exemple le { $phone }.
page-other-agent = Attention : { $agent } n'est pas l'agent nommé dans votre invitation ({ $named }). N'autorisez que si vous l'attendez.
page-decline-confirm = Fermer cette demande et signaler à { $org } que vous ne l'avez pas demandée ?
page-decline-yes = Oui, la fermer
page-cancel = Annuler
app-control-title = { $agent } demande à contrôler votre souris et votre clavier
app-control-body = N'autorisez que si vous voulez que { $org } travaille sur votre ordinateur. Vous pouvez reprendre le contrôle à tout moment.
app-allow-control = Autoriser le contrôle
app-controlled = { $agent } contrôle votre ordinateur.
app-take-back = Reprendre le contrôle
app-end = Terminer la session
