//! The window: who is asking (from the server), the consent questions with Allow / Deny,
//! the session's state, chat, End, and "This wasn't me" (confirmed first). While the screen
//! is shared, a small indicator window stays above all others with Stop. Words come from
//! the server in the request's language (`texts` of the check-in); the few said before
//! check-in are English.
//!
//! Keyboard: Tab moves between controls, Enter or Space presses; a consent question takes
//! the focus when it appears (Allow), like the link page.
//!
//! The engine runs on a tokio runtime of its own thread; the window only reads the shared
//! `View` and sends `Command`s.

use std::sync::{Arc, Mutex};

use eframe::egui;
use tokio::sync::mpsc::UnboundedSender;

use crate::join::Start;
use crate::view::{Command, Ui, View};

const TITLE: &str = "Beckon remote support";

pub fn run(start: Start, tls: rustls::ClientConfig) -> anyhow::Result<()> {
    let ctx = egui::Context::default();
    let wake_ctx = ctx.clone();
    let (ui, view, mut notes) = Ui::new(move || wake_ctx.request_repaint());
    let (commands, rx) = tokio::sync::mpsc::unbounded_channel();
    let asking = matches!(start, Start::Ask { .. });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let engine = ui.clone();
    runtime.spawn(async move {
        let ui = engine;
        if let Err(e) = engine_main(start, tls, ui.clone(), rx).await {
            ui.note(crate::view::Note::Problem(format!("{e:#}")));
            ui.update(|v| v.problem = Some(format!("{e:#}")));
        }
        ui.update(|v| v.finished = true);
    });
    // The notes also go to standard output: a log for support, and what tests read.
    runtime.spawn(async move {
        while let Some(note) = notes.recv().await {
            println!("{}", crate::cli::line(&note));
        }
    });

    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title(TITLE)
            .with_app_id("beckon-assist")
            .with_inner_size([440.0, 560.0])
            .with_min_inner_size([360.0, 420.0]),
        renderer: eframe::Renderer::Glow,
        ..Default::default()
    };
    let window = Window {
        view,
        commands,
        code: String::new(),
        chat: String::new(),
        confirm_decline: false,
        focused_prompt: None,
        asking,
        shown: false,
        title: TITLE.to_owned(),
        on_top: false,
    };
    eframe::run_native_ext(
        TITLE,
        options,
        Some(ctx),
        Box::new(|cc| {
            cc.egui_ctx.all_styles_mut(|s| {
                for (style, font) in s.text_styles.iter_mut() {
                    font.size = match style {
                        egui::TextStyle::Heading => 22.0,
                        egui::TextStyle::Small => 12.0,
                        _ => 15.0,
                    };
                }
                s.spacing.button_padding = egui::vec2(12.0, 6.0);
            });
            Ok(Box::new(window))
        }),
    )
    .map_err(|e| anyhow::anyhow!("cannot open the window: {e}"))?;
    // The window closed: leave (the link keeps working until it expires).
    runtime.shutdown_timeout(std::time::Duration::from_secs(2));
    Ok(())
}

/// Joins (asking for a code while there is none that works), then runs the session.
async fn engine_main(
    mut start: Start,
    tls: rustls::ClientConfig,
    ui: Ui,
    mut commands: tokio::sync::mpsc::UnboundedReceiver<Command>,
) -> anyhow::Result<()> {
    let http = crate::net::http_client(None, tls.clone())?;
    let (base, token) = loop {
        let tried = match &start {
            Start::Link(link) => crate::join::parse_link(link),
            Start::Code { server, code } => crate::join::redeem(&http, server, *code).await,
            Start::Ask { server } => {
                let server = server.clone();
                match commands.recv().await {
                    Some(Command::Line(text)) => {
                        ui.update(|v| v.problem = None);
                        start = crate::join::typed(&text, server.clone());
                        if matches!(start, Start::Ask { .. }) {
                            ui.update(|v| {
                                v.problem = Some(if server.is_some() {
                                    "That is not a code from the support page (8 letters and digits).".into()
                                } else {
                                    "Paste the whole link from your invitation (https://…/s/…).".into()
                                })
                            });
                        }
                        continue;
                    }
                    Some(Command::Quit) | None => return Ok(()),
                    Some(_) => continue,
                }
            }
        };
        match tried {
            Ok(joined) => break joined,
            Err(e) => {
                ui.note(crate::view::Note::Problem(format!("{e:#}")));
                ui.update(|v| v.problem = Some(format!("{e:#}")));
                start = Start::Ask {
                    server: match start {
                        Start::Code { server, .. } => Some(server),
                        Start::Ask { server } => server,
                        Start::Link(_) => crate::join::embedded_server(),
                    },
                };
            }
        }
    };
    ui.update(|v| v.problem = None);
    crate::session::run(crate::session::Joined { base, token, tls }, ui, commands).await
}

struct Window {
    view: Arc<Mutex<View>>,
    commands: UnboundedSender<Command>,
    /// The code (or link) being typed.
    code: String,
    /// The chat line being typed.
    chat: String,
    confirm_decline: bool,
    /// The question that last took the focus (each takes it once).
    focused_prompt: Option<String>,
    /// No request yet: the code field shows until check-in.
    asking: bool,
    /// The first frame was drawn (said once on standard output, for the cold-start figure).
    shown: bool,
    /// The window's title as last set.
    title: String,
    /// The window is kept above the others (while the screen is shared).
    on_top: bool,
}

/// The title names who asks, so it shows in the task bar (and a test can read it).
fn window_title(v: &View) -> String {
    if v.org.is_empty() {
        return TITLE.to_owned();
    }
    if let Some(agent) = &v.view_prompt {
        return t(v, "prompt_title", "{agent} asks to see your screen").replace("{agent}", agent);
    }
    if let Some(agent) = &v.control_prompt {
        let asks = t(
            v,
            "control_title",
            "{agent} asks to control your mouse and keyboard",
        );
        return format!("{} · {}", asks.replace("{agent}", agent), v.org);
    }
    let title = t(v, "title", "Remote support");
    match &v.named_agent {
        Some(agent) => format!("{title}: {agent} · {}", v.org),
        None => format!("{title}: {}", v.org),
    }
}

/// A text from the server's catalogue, else the English given.
fn t(v: &View, key: &str, english: &str) -> String {
    v.texts
        .get(key)
        .cloned()
        .unwrap_or_else(|| english.to_owned())
}

fn isolate(s: &str) -> String {
    format!("\u{2068}{s}\u{2069}")
}

impl Window {
    fn send(&self, c: Command) {
        let _ = self.commands.send(c);
    }

    fn join_form(&mut self, ui: &mut egui::Ui, v: &View) {
        ui.label(if crate::join::embedded_server().is_some() {
            "Type the code shown on your support page (for example K7QM-4XPA)."
        } else {
            "Paste the link from your support invitation."
        });
        let field = ui.add(
            egui::TextEdit::singleline(&mut self.code)
                .hint_text("K7QM-4XPA")
                .desired_width(f32::INFINITY),
        );
        if !self.shown {
            field.request_focus();
        }
        let enter = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        if ui.button("Join").clicked() || enter {
            let code = std::mem::take(&mut self.code);
            self.send(Command::Line(code));
        }
        let _ = v;
    }

    fn consent(&mut self, ui: &mut egui::Ui, v: &View) {
        if v.view_prompt.is_none() && v.control_prompt.is_none() {
            // The next question takes the focus again, even from the same agent.
            self.focused_prompt = None;
        }
        if let Some(agent) = &v.view_prompt {
            egui::Frame::group(ui.style()).show(ui, |ui| {
                ui.label(egui::RichText::new(
                    t(v, "prompt_title", "{agent} from your support team asks to see your screen")
                        .replace("{agent}", &isolate(agent)),
                ).strong().size(17.0));
                ui.label(t(v, "prompt_body", "Allow access only if you are expecting this support session. You can stop at any time."));
                ui.horizontal(|ui| {
                    let allow = ui.button(t(v, "allow", "Allow access"));
                    if self.focused_prompt.as_deref() != Some(&format!("view:{agent}")) {
                        allow.request_focus();
                        self.focused_prompt = Some(format!("view:{agent}"));
                    }
                    if allow.clicked() {
                        self.send(Command::AnswerView(true));
                    }
                    if ui.button(t(v, "deny", "Deny")).clicked() {
                        self.send(Command::AnswerView(false));
                    }
                });
            });
        }
        if let Some(agent) = &v.control_prompt {
            egui::Frame::group(ui.style()).show(ui, |ui| {
                ui.label(egui::RichText::new(
                    t(v, "control_title", "{agent} asks to control your mouse and keyboard")
                        .replace("{agent}", &isolate(agent)),
                ).strong().size(17.0));
                ui.label(t(v, "control_body", "Allow only if you want them to work on your computer. You can take control back at any time."));
                ui.horizontal(|ui| {
                    let allow = ui.button(t(v, "allow_control", "Allow control"));
                    if self.focused_prompt.as_deref() != Some(&format!("control:{agent}")) {
                        allow.request_focus();
                        self.focused_prompt = Some(format!("control:{agent}"));
                    }
                    if allow.clicked() {
                        self.send(Command::AnswerControl(true));
                    }
                    if ui.button(t(v, "deny", "Deny")).clicked() {
                        self.send(Command::AnswerControl(false));
                    }
                });
            });
        }
    }

    fn state(&mut self, ui: &mut egui::Ui, v: &View) {
        let line = match v.status.as_str() {
            _ if v.declined => t(v, "declined", "Thank you. The request is closed."),
            "released" => t(v, "released", "This link was released for another device."),
            "closed" | "expired" if v.over => t(
                v,
                "session_over",
                "The support session is over. You may close this window.",
            ),
            "closed" | "expired" => t(v, "ended", "This support session has ended."),
            "in_session" if !v.peer => t(
                v,
                "disconnected",
                "The connection to your support agent dropped.",
            )
            .replace("{seconds}", &v.grace_secs.to_string()),
            "in_session" => t(v, "in_session", "Your support session is running."),
            "ready" => t(
                v,
                "ready",
                "Access allowed. The session starts as soon as your support agent begins.",
            ),
            _ if v.over => t(
                v,
                "session_over",
                "The support session is over. You may close this window.",
            ),
            _ => t(
                v,
                "waiting",
                "You are checked in. Keep this window open: your support agent will connect shortly.",
            ),
        };
        ui.label(egui::RichText::new(line).size(16.0));
        if v.status == "in_session" {
            if let Some(agent) = &v.controlled_by {
                ui.label(
                    t(v, "controlled", "{agent} is controlling your computer.")
                        .replace("{agent}", &isolate(agent)),
                );
                if ui.button(t(v, "take_back", "Take back control")).clicked() {
                    self.send(Command::TakeBack);
                }
            } else if v.sharing {
                ui.label(t(v, "sharing", "You are sharing your screen."));
            }
            if ui.button(t(v, "end", "End session")).clicked() {
                self.send(Command::End);
            }
        }
    }

    fn chat(&mut self, ui: &mut egui::Ui, v: &View) {
        if !(matches!(v.status.as_str(), "ready" | "in_session") || v.over) {
            return;
        }
        ui.separator();
        ui.label(egui::RichText::new(t(v, "chat", "Chat")).strong());
        egui::ScrollArea::vertical()
            .max_height(160.0)
            .stick_to_bottom(true)
            .show(ui, |ui| {
                for line in &v.chat {
                    let from = if line.mine {
                        "You".to_owned()
                    } else {
                        isolate(&line.from)
                    };
                    ui.label(format!("{from}: {}", line.text));
                }
            });
        if matches!(v.status.as_str(), "ready" | "in_session") {
            ui.horizontal(|ui| {
                let field = ui.add(
                    egui::TextEdit::singleline(&mut self.chat)
                        .hint_text(t(v, "chat_placeholder", "Type a message"))
                        .desired_width(ui.available_width() - 80.0),
                );
                let enter = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                if ui.button(t(v, "send", "Send")).clicked() || enter {
                    let text = std::mem::take(&mut self.chat);
                    self.send(Command::Chat(text));
                    field.request_focus();
                }
            });
        }
    }

    fn decline(&mut self, ui: &mut egui::Ui, v: &View) {
        // Not while a session the end user allowed is running: Stop and End are there.
        if v.declined
            || v.status == "in_session"
            || matches!(v.status.as_str(), "closed" | "expired" | "released")
        {
            return;
        }
        ui.separator();
        if !self.confirm_decline {
            if ui
                .link(t(v, "decline", "This wasn't me / decline"))
                .clicked()
            {
                self.confirm_decline = true;
            }
            return;
        }
        ui.label(t(
            v,
            "decline_confirm",
            "Close this request and tell your support team that you did not ask for it?",
        ));
        ui.horizontal(|ui| {
            if ui.button(t(v, "decline_yes", "Yes, close it")).clicked() {
                self.confirm_decline = false;
                self.send(Command::Decline);
            }
            if ui.button(t(v, "cancel", "Cancel")).clicked() {
                self.confirm_decline = false;
            }
        });
    }

    /// While the screen is seen or controlled: a bar at the window's top with Stop, and the
    /// window kept above all others (`sharing_level`), so the end user always sees it.
    /// (A separate small window would be nicer; egui's second windows did not open on
    /// every X server tried.)
    fn indicator(&mut self, ui: &mut egui::Ui, v: &View) {
        if !sharing(v) {
            return;
        }
        let text = match &v.controlled_by {
            Some(agent) => t(v, "controlled", "{agent} is controlling your computer.")
                .replace("{agent}", &isolate(agent)),
            None => t(v, "sharing", "You are sharing your screen."),
        };
        egui::Frame::new()
            .fill(egui::Color32::from_rgb(0xb0, 0x20, 0x20))
            .inner_margin(8.0)
            .show(ui, |ui| {
                ui.horizontal(|ui| {
                    let stop = ui.button(t(v, "stop", "Stop"));
                    ui.label(
                        egui::RichText::new(&text)
                            .color(egui::Color32::WHITE)
                            .strong(),
                    );
                    if stop.clicked() {
                        self.send(if v.controlled_by.is_some() {
                            Command::TakeBack
                        } else {
                            Command::End
                        });
                    }
                });
            });
    }
}

/// Whether someone sees (or controls) the screen now.
fn sharing(v: &View) -> bool {
    v.status == "in_session" && (v.sharing || v.controlled_by.is_some())
}

impl eframe::App for Window {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let v = self.view.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let ctx = ui.ctx().clone();
        if ctx.input(|i| i.viewport().close_requested()) {
            self.send(Command::Quit);
        }
        egui::CentralPanel::default_margins().show(ui, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| {
                self.indicator(ui, &v);
                ui.heading(t(&v, "title", "Remote support"));
                if v.org.is_empty() {
                    if self.asking && !v.finished {
                        self.join_form(ui, &v);
                    } else if !v.finished {
                        ui.label("Connecting…");
                    }
                } else {
                    self.asking = false;
                    ui.label(
                        egui::RichText::new(t(
                            &v,
                            "asks",
                            &format!(
                                "{} would like to help you through a remote support session.",
                                v.org
                            ),
                        ))
                        .strong(),
                    );
                    if let (Some(named), Some(asker)) = (
                        &v.named_agent,
                        v.view_prompt.as_ref().or(v.control_prompt.as_ref()),
                    ) && named != asker
                    {
                        ui.colored_label(
                            egui::Color32::from_rgb(0xa0, 0x50, 0x00),
                            t(
                                &v,
                                "other_agent",
                                "{agent} is not the agent named in your invitation ({named}).",
                            )
                            .replace("{agent}", &isolate(asker))
                            .replace("{named}", &isolate(named)),
                        );
                    }
                    ui.add_space(8.0);
                    self.consent(ui, &v);
                    ui.add_space(8.0);
                    self.state(ui, &v);
                    self.chat(ui, &v);
                    self.decline(ui, &v);
                    if let Some(safety) = v.texts.get("safety") {
                        ui.add_space(8.0);
                        ui.label(egui::RichText::new(safety).small());
                    }
                }
                if let Some(p) = &v.problem {
                    ui.colored_label(egui::Color32::from_rgb(0xb0, 0x20, 0x20), p);
                }
            });
        });
        if sharing(&v) != self.on_top {
            self.on_top = sharing(&v);
            let level = if self.on_top {
                egui::WindowLevel::AlwaysOnTop
            } else {
                egui::WindowLevel::Normal
            };
            ctx.send_viewport_cmd(egui::ViewportCommand::WindowLevel(level));
            // Said once each way, for people reading the log (and the tests).
            println!(
                "{}",
                if self.on_top {
                    "Indicator shown."
                } else {
                    "Indicator hidden."
                }
            );
        }
        let title = window_title(&v);
        if title != self.title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title = title;
        }
        if !self.shown {
            self.shown = true;
            // For people reading the log, and the cold-start benchmark.
            println!("Window shown.");
        }
    }
}
