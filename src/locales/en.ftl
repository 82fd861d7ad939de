# Beckon mails, English: the reference every other language must match message for message.
# Placeables: $org (organisation), $agent (agent's name), $name / $recipient (end user's
# name), $when (a date and time with its zone), $expires (likewise).

## Dates: built from these parts by the mailer. $weekday and $month are the names below,
## $monthnum the month's number, $time the clock time in this language's style.
date-time = { $weekday }, { $day } { $month } { $year }, { $time }
clock = 24
weekday-1 = Monday
weekday-2 = Tuesday
weekday-3 = Wednesday
weekday-4 = Thursday
weekday-5 = Friday
weekday-6 = Saturday
weekday-7 = Sunday
month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December

## Shared parts
greeting = Hello { $name },
signature = { $agent }, { $org }
footer = This message was sent by { $org } with Beckon, a self-hosted remote support service.
link-fallback = If the button does not work, copy this address into your browser:
label-when = Planned for
label-expires = Link valid until
label-agent = Your contact
label-comment = Message from { $agent }
safety = Only continue if you asked { $org } for help. Nobody from { $org } will ever ask you for payment or for your passwords.
consent-note = Nobody can see your screen until you allow it on the session page, and you can end the session at any time.
calendar-summary = Remote support session with { $org }

## Invitation (to the end user)
invitation-subject = { $agent } from { $org } invites you to a remote support session
invitation-intro = { $agent } from { $org } would like to help you through a remote support session.
invitation-scheduled = The session is planned for { $when }.
invitation-action = Open the session page

## Reminder (to the end user)
reminder-subject = Reminder: your support session with { $org } starts soon
reminder-intro = Your remote support session with { $agent } from { $org } starts at { $when }.
reminder-action = Open the session page

## Rescheduled (to the end user)
rescheduled-subject = New time for your support session with { $org }
rescheduled-intro = { $agent } from { $org } moved your remote support session to { $when }.
unscheduled-subject = Your support session with { $org } no longer has a set time
unscheduled-intro = { $agent } from { $org } removed the planned time of your remote support session. Your link still works: open it whenever it suits you before { $expires }.
rescheduled-action = Open the session page

## Closed (to the end user)
closed-subject = Your support request with { $org } is closed
closed-intro = { $agent } from { $org } closed your remote support request. The link you received no longer works.
closed-more = If you still need help, contact { $org } again.

## Expired (to the end user)
expired-subject = Your support link from { $org } has expired
expired-intro = The remote support link that { $agent } from { $org } sent you has expired.
expired-more = If you still need help, ask { $org } for a new link.

## To agents
agent-greeting = Hello { $name },
assigned-subject = Assigned to you: { $recipient }
assigned-intro = The session request for { $recipient } is now assigned to you.
waiting-subject = { $recipient } is waiting for you
waiting-intro = { $recipient } opened the support link and is waiting for you to connect.
agent-action = Open the request
agent-expired-subject = Expired without a session: { $recipient }
agent-expired-intro = The session request for { $recipient } expired before a session took place. Reopen it if the end user still needs help.

## Test mail (to an administrator)
test-subject = Beckon test mail
test-intro = This is a test mail from Beckon for { $org }. If you read this, mail delivery works.

## To agents: the end user declined
declined-subject = Declined as unexpected: { $recipient }
declined-intro = { $recipient } opened the support link and said they did not ask for this session ("This wasn't me"). The request is closed. If the link reached the wrong person, check the address it was sent to.

## The end user's page (/s/TOKEN); the safety note above is shown there too
page-title = Remote support
page-asks = { $agent } from { $org } would like to help you through a remote support session.
page-asks-org = { $org } would like to help you through a remote support session.
page-planned = Your session is planned for { $when }.
page-your-time = That is { $when } where you are.
page-reason = Reason
page-choose = Choose how to join. Nobody can see your screen until you allow it.
page-start-browser = Start in this browser
page-download = Download the app for { $platform }
page-download-note = Open the downloaded file: it joins this request by itself. Nothing to install.
page-waiting = You are checked in. Keep this page open: your support agent will connect shortly.
page-ready = Access allowed. The session starts as soon as your support agent begins.
page-in-session = Your support session is running.
page-share = Share my screen
page-sharing = You are sharing your screen.
page-stop = Stop
page-chat = Chat
page-chat-placeholder = Type a message
page-send = Send
page-prompt-title = { $agent } from { $org } asks to see your screen
page-prompt-body = Allow access only if you are expecting this support session. You can stop at any time.
page-prompt-timeout = Without an answer, access is denied after { $seconds } seconds.
page-allow = Allow access
page-deny = Deny
page-decline = This wasn't me / decline
page-declined = Thank you. The request is closed and { $org } has been told.
page-ended = This support session has ended.
page-in-use-title = This link is already in use
page-in-use-body = The link was opened on another device. Continue there, or ask { $org } to release it for this device.
page-unknown-title = This link is not valid
page-unknown-body = Please check the link in your email, or ask your support contact for a new one.
page-finished-title = This support request has ended
page-finished-body = The request was closed or has expired. If you still need help, ask your support contact for a new link.
page-released = This link was released for another device.
page-session-over = The support session is over. You may close this window.
page-disconnected = The connection to your support agent dropped. The session ends unless it is back within { $seconds } seconds.

# The link page by computer, its trust lines, and the assist app's own words.
page-use-computer = Please open this link on your computer: screen sharing needs a Windows, Linux or Mac computer.
page-send-link = Email this link to myself
page-no-app = The app is not available for this computer yet: start in this browser instead.
page-checksum = SHA-256
page-signed-by = Signed by { $publisher }
page-unsigned = Not signed
page-code-hint = If the app asks for a code, type:
page-steps-title = What will happen
page-step-1 = Download and open the app (or start in this browser).
page-step-2 = Check that it names { $org } and { $agent }.
page-step-2-org = Check that it names { $org }.
page-step-3 = When your agent asks, allow access. You can stop at any time.
page-host = You are on { $host }.
page-call-us = If in doubt, call { $org } on a number you already know.
page-call-us-phone = If in doubt, call { $org } on a number you already know, such as { $phone }.
page-other-agent = Note: { $agent } is not the agent named in your invitation ({ $named }). Allow only if you expect them.
page-decline-confirm = Close this request and tell { $org } that you did not ask for it?
page-decline-yes = Yes, close it
page-cancel = Cancel
app-control-title = { $agent } asks to control your mouse and keyboard
app-control-body = Allow only if you want { $org } to work on your computer. You can take control back at any time.
app-allow-control = Allow control
app-controlled = { $agent } is controlling your computer.
app-take-back = Take back control
app-end = End session
