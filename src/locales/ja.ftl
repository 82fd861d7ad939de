# Beckon のメール、日本語。

date-time = { $year }年{ $monthnum }月{ $day }日（{ $weekday }） { $time }
clock = 24
weekday-1 = 月
weekday-2 = 火
weekday-3 = 水
weekday-4 = 木
weekday-5 = 金
weekday-6 = 土
weekday-7 = 日
month-1 = 1月
month-2 = 2月
month-3 = 3月
month-4 = 4月
month-5 = 5月
month-6 = 6月
month-7 = 7月
month-8 = 8月
month-9 = 9月
month-10 = 10月
month-11 = 11月
month-12 = 12月

greeting = { $name } 様
signature = { $org } { $agent }
footer = このメッセージは、セルフホスト型リモートサポートサービス Beckon を使って { $org } から送信されました。
link-fallback = ボタンが機能しない場合は、次のアドレスをブラウザーにコピーしてください：
label-when = 予定日時
label-expires = リンクの有効期限
label-agent = 担当者
label-comment = { $agent } からのメッセージ
safety = { $org } にサポートを依頼した場合にのみ続行してください。{ $org } の担当者が支払いやパスワードを求めることは決してありません。
consent-note = セッションページであなたが許可するまで、誰もあなたの画面を見ることはできません。セッションはいつでも終了できます。
calendar-summary = { $org } とのリモートサポートセッション

invitation-subject = { $org } の { $agent } からリモートサポートセッションへのご案内
invitation-intro = { $org } の { $agent } が、リモートサポートセッションであなたをお手伝いします。
invitation-scheduled = セッションは { $when } に予定されています。
invitation-action = セッションページを開く

reminder-subject = リマインダー：{ $org } とのサポートセッションがまもなく始まります
reminder-intro = { $org } の { $agent } とのリモートサポートセッションは { $when } に始まります。
reminder-action = セッションページを開く

rescheduled-subject = { $org } とのサポートセッションの日時が変更されました
rescheduled-intro = { $org } の { $agent } が、リモートサポートセッションの日時を { $when } に変更しました。
unscheduled-subject = { $org } とのサポートセッションの予定日時が取り消されました
unscheduled-intro = { $org } の { $agent } が、リモートサポートセッションの予定日時を取り消しました。リンクは引き続き有効です。{ $expires } までのご都合のよいときに開いてください。
rescheduled-action = セッションページを開く

closed-subject = { $org } へのサポートリクエストは終了しました
closed-intro = { $org } の { $agent } が、リモートサポートのリクエストを終了しました。受け取ったリンクは使用できなくなりました。
closed-more = 引き続きサポートが必要な場合は、もう一度 { $org } にお問い合わせください。

expired-subject = { $org } からのサポートリンクの有効期限が切れました
expired-intro = { $org } の { $agent } から送られたリモートサポートのリンクは有効期限が切れました。
expired-more = 引き続きサポートが必要な場合は、{ $org } に新しいリンクを依頼してください。

agent-greeting = { $name } さん
assigned-subject = あなたに割り当てられました：{ $recipient }
assigned-intro = { $recipient } のセッションリクエストがあなたに割り当てられました。
waiting-subject = { $recipient } さんがお待ちです
waiting-intro = { $recipient } さんがサポートリンクを開き、あなたの接続を待っています。
agent-action = リクエストを開く
agent-expired-subject = セッションなしで期限切れ：{ $recipient }
agent-expired-intro = { $recipient } さんのセッションリクエストは、セッションが行われないまま期限切れになりました。まだサポートが必要な場合は、もう一度開いてください。

test-subject = Beckon テストメール
test-intro = これは { $org } 用の Beckon からのテストメールです。このメールが読めれば、メール送信は機能しています。

## To agents: the end user declined
declined-subject = 心当たりなしとして辞退: { $recipient }
declined-intro = { $recipient } さんがサポートリンクを開き、このセッションを依頼していないと回答しました（「心当たりがない」）。リクエストはクローズされました。リンクが別の人に届いた可能性がある場合は、送信先のアドレスを確認してください。

## The end user's page (/s/TOKEN)
page-title = リモートサポート
page-asks = { $org } の { $agent } がリモートサポートセッションでお手伝いします。
page-asks-org = { $org } がリモートサポートセッションでお手伝いします。
page-planned = セッションは { $when } に予定されています。
page-your-time = お住まいの地域では { $when } です。
page-reason = 内容
page-choose = 参加方法を選んでください。許可するまで、誰もあなたの画面を見ることはできません。
page-start-browser = このブラウザーで開始
page-download = { $platform } 用アプリをダウンロード
page-download-note = ダウンロードしたファイルを開くと、このリクエストに自動で参加します。インストールは不要です。
page-waiting = チェックインしました。このページを開いたままにしてください。まもなく担当者が接続します。
page-ready = アクセスを許可しました。担当者が開始するとセッションが始まります。
page-in-session = サポートセッション中です。
page-share = 画面を共有
page-sharing = 画面を共有しています。
page-stop = 停止
page-chat = チャット
page-chat-placeholder = メッセージを入力
page-send = 送信
page-prompt-title = { $org } の { $agent } が画面の表示を求めています
page-prompt-body = このサポートセッションを予定している場合にのみ許可してください。いつでも停止できます。
page-prompt-timeout = { $seconds } 秒以内に応答がない場合、アクセスは拒否されます。
page-allow = アクセスを許可
page-deny = 拒否
page-decline = 心当たりがない / 辞退する
page-declined = ありがとうございました。リクエストはクローズされ、{ $org } に通知されました。
page-ended = このサポートセッションは終了しました。
page-in-use-title = このリンクはすでに使用されています
page-in-use-body = このリンクは別のデバイスで開かれています。そちらで続けるか、このデバイスで使えるよう { $org } に解除を依頼してください。
page-unknown-title = このリンクは無効です
page-unknown-body = メールのリンクをご確認いただくか、サポート担当者に新しいリンクを依頼してください。
page-finished-title = このサポートリクエストは終了しました
page-finished-body = リクエストは閉じられたか、期限が切れました。引き続きサポートが必要な場合は、サポート担当者に新しいリンクを依頼してください。
page-released = このリンクは別のデバイス用に解除されました。
page-session-over = サポートセッションは終了しました。このウィンドウを閉じてもかまいません。
page-disconnected = 担当者との接続が切れました。{ $seconds } 秒以内に再接続されない場合、セッションは終了します。

# The link page by computer, its trust lines, and the assist app's own words.
page-use-computer = このリンクはパソコンで開いてください。画面共有には Windows、Linux、Mac のパソコンが必要です。
page-send-link = このリンクを自分にメールする
page-no-app = このパソコン用のアプリはまだありません。代わりにこのブラウザーで開始してください。
page-checksum = SHA-256
page-signed-by = 署名: { $publisher }
page-unsigned = 署名なし
page-code-hint = アプリにコードを求められたら、次を入力してください:
page-steps-title = これからの流れ
page-step-1 = アプリをダウンロードして開きます (またはこのブラウザーで開始します)。
page-step-2 = { $org } と { $agent } の名前が表示されることを確認します。
page-step-2-org = { $org } の名前が表示されることを確認します。
page-step-3 = 担当者から求められたらアクセスを許可します。いつでも停止できます。
page-host = 現在のサイト: { $host }
page-call-us = 不安な場合は、ご存じの番号で { $org } に電話してください。
page-call-us-phone = 不安な場合は、ご存じの番号 (例: { $phone }) で { $org } に電話してください。
page-other-agent = 注意: { $agent } は招待状に記載された担当者 ({ $named }) ではありません。心当たりがある場合のみ許可してください。
page-decline-confirm = このリクエストを閉じ、依頼していないことを { $org } に伝えますか?
page-decline-yes = はい、閉じます
page-cancel = キャンセル
app-control-title = { $agent } がマウスとキーボードの操作を求めています
app-control-body = { $org } にパソコンを操作させたい場合のみ許可してください。いつでも操作を取り戻せます。
app-allow-control = 操作を許可
app-controlled = { $agent } がこのパソコンを操作しています。
app-take-back = 操作を取り戻す
app-end = セッションを終了
