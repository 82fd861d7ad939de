//! Administration: agents (create, role, permissions, disable, password), clients (name and
//! members), the settings in force, mail (the outbox, webhooks) and the audit log. The server refuses non-admins whatever the page shows.

use leptos::either::*;
use leptos::prelude::*;

use super::texts;
use super::widgets::{ErrorNote, Tab, Time, done, field_error};
use crate::domain::Role;
use crate::portal::api::{
    AddWebhook, ChangeAgent, CreateAgent, RemoveWebhook, RetryDelivery, SaveClient, SaveSettings,
    SendTestMail, get_settings, list_agents, list_audit, list_clients, list_outbox,
};
use crate::portal::{AgentView, ClientView, MailStatus, OutboxPage, OutboxRow};

/// Admin pages for admins only (the server refuses the changes anyway; this spares the form).
fn admins_only() -> Option<impl IntoView> {
    let admin = super::layout::caller().is_some_and(|m| m.is_admin);
    (!admin).then(|| {
        view! { <ErrorNote error=crate::portal::AppError::new("forbidden", "")/> }
    })
}

#[component]
pub fn Agents() -> impl IntoView {
    if let Some(no) = admins_only() {
        return Either::Left(no);
    }
    let t = texts();
    let change = ServerAction::<ChangeAgent>::new();
    let agents = super::resource(|| (), |_| list_agents());
    Either::Right(view! {
        <h1>{t.agents_title}</h1>
        {move || change.value().get().and_then(|r| r.err()).map(|e| view! { <ErrorNote error=e/> })}
        <div data-live="" id="agents-live">
        <Transition fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || Suspend::new(async move {
                match agents.await {
                    Ok(list) => Either::Left(view! {
                        <div class="table-wrap">
                            <table id="agents">
                                <thead><tr>
                                    <th scope="col">{t.name}</th>
                                    <th scope="col">{t.role}</th>
                                    <th scope="col">{t.may_view} " / " {t.may_edit}</th>
                                    <th scope="col">{t.disabled}</th>
                                    <th scope="col">{t.set_password}</th>
                                </tr></thead>
                                <tbody>
                                    {list.into_iter().map(|a| view! { <AgentRow a=a change=change/> }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }),
                    Err(e) => Either::Right(view! { <ErrorNote error=e/> }),
                }
            })}
        </Transition>
        </div>
        <AddAgent/>
    })
}

/// Adding an agent: a plain form; the page comes back with the new agent in the list, or
/// with the error.
#[component]
fn AddAgent() -> impl IntoView {
    let t = texts();
    let create = ServerAction::<CreateAgent>::new();
    view! {
        <section class="card" aria-labelledby="add-agent">
            <h2 id="add-agent">{t.add_agent}</h2>
            {move || create.value().get().and_then(|r| r.err()).map(|e| view! { <ErrorNote error=e/> })}
            <ActionForm action=create attr:class="grid-form" attr:id="add-agent-form">
                <label for="a-email">{t.email}</label>
                <input id="a-email" name="email" type="email" required/>
                <label for="a-name">{t.name}</label>
                <input id="a-name" name="name" required maxlength="200"/>
                <label for="a-password">{t.password}</label>
                <input id="a-password" name="password" type="password" required minlength="8" autocomplete="new-password"/>
                <label for="a-role">{t.role}</label>
                <select id="a-role" name="role">
                    <option value="agent">{t.role_agent}</option>
                    <option value="admin">{t.role_admin}</option>
                </select>
                <label class="check"><input type="checkbox" name="view" value="true" checked/> " " {t.may_view}</label>
                <label class="check"><input type="checkbox" name="edit" value="true" checked/> " " {t.may_edit}</label>
                <button type="submit" class="primary">{t.add_agent}</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn AgentRow(a: AgentView, change: ServerAction<ChangeAgent>) -> impl IntoView {
    let t = texts();
    let id = a.id.to_string();
    let (id0, id1, id2, id3) = (id.clone(), id.clone(), id.clone(), id.clone());
    view! {
        <tr data-id=id.clone() class:disabled=a.disabled>
            <td data-label=t.name><strong>{a.name.clone()}</strong><div class="muted">{a.email.clone()}</div></td>
            <td data-label=t.role>
                <ActionForm action=change attr:class="inline">
                    <input type="hidden" name="id" value=id0.clone()/>
                    <label class="sr-only" for=format!("role-{id0}")>{t.role}</label>
                    <select name="role" id=format!("role-{id0}")>
                        <option value="agent" selected=a.role == Role::Agent>{t.role_agent}</option>
                        <option value="admin" selected=a.role == Role::Admin>{t.role_admin}</option>
                    </select>
                    <button type="submit" class="secondary">{t.save}</button>
                </ActionForm>
            </td>
            <td data-label=t.may_edit>
                {if a.role == Role::Admin {
                    // An administrator may do everything, whatever their stored permissions
                    // say: never shown unchecked.
                    Either::Left(view! {
                        <span class="check"><input type="checkbox" checked disabled aria-label=t.may_view/> " " {t.may_view}</span>
                        " "
                        <span class="check"><input type="checkbox" checked disabled aria-label=t.may_edit/> " " {t.may_edit}</span>
                        <div class="hint admin-all">{t.admin_may_all}</div>
                    })
                } else {
                    Either::Right(view! {
                        <ActionForm action=change attr:class="inline">
                            <input type="hidden" name="id" value=id1/>
                            <input type="hidden" name="perms" value="1"/>
                            <label class="check"><input type="checkbox" name="view" value="1" checked=a.permissions.view_session_requests/> " " {t.may_view}</label>
                            <label class="check"><input type="checkbox" name="edit" value="1" checked=a.permissions.edit_session_requests/> " " {t.may_edit}</label>
                            <button type="submit" class="secondary">{t.save}</button>
                        </ActionForm>
                    })
                }}
            </td>
            <td data-label=t.disabled>
                <ActionForm action=change attr:class="inline">
                    <input type="hidden" name="id" value=id2/>
                    <input type="hidden" name="disabled" value=(!a.disabled).to_string()/>
                    <button type="submit" class="secondary">{if a.disabled { t.enable } else { t.disable }}</button>
                </ActionForm>
            </td>
            <td data-label=t.set_password>
                <ActionForm action=change attr:class="inline">
                    <input type="hidden" name="id" value=id3.clone()/>
                    <label class="sr-only" for=format!("pw-{id3}")>{t.set_password}</label>
                    <input type="password" name="password" id=format!("pw-{id3}") minlength="8" required autocomplete="new-password"/>
                    <button type="submit" class="secondary">{t.set_password}</button>
                </ActionForm>
            </td>
        </tr>
    }
}

#[component]
pub fn Clients() -> impl IntoView {
    if let Some(no) = admins_only() {
        return Either::Left(no);
    }
    let t = texts();
    let save = ServerAction::<SaveClient>::new();
    let data = super::resource(
        || (),
        |_| async move {
            Ok::<_, crate::portal::AppError>((list_clients().await?, list_agents().await?))
        },
    );
    Either::Right(view! {
        <h1>{t.clients_title}</h1>
        {move || save.value().get().and_then(|r| r.err()).map(|e| view! { <ErrorNote error=e/> })}
        <Transition fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((clients, agents)) => {
                        let blank = ClientView { id: crate::domain::ClientId::from_u128(0), name: String::new(), members: vec![] };
                        Either::Left(view! {
                            {clients.into_iter().map(|c| view! { <ClientForm c=c agents=agents.clone() save=save new=false/> }).collect_view()}
                            <h2>{t.add_client}</h2>
                            <ClientForm c=blank agents=agents save=save new=true/>
                        })
                    }
                    Err(e) => Either::Right(view! { <ErrorNote error=e/> }),
                }
            })}
        </Transition>
    })
}

#[component]
fn ClientForm(
    c: ClientView,
    agents: Vec<AgentView>,
    save: ServerAction<SaveClient>,
    new: bool,
) -> impl IntoView {
    let t = texts();
    let key = if new {
        "new".to_owned()
    } else {
        c.id.to_string()
    };
    view! {
        <ActionForm action=save attr:class="card client">
            {(!new).then(|| view! { <input type="hidden" name="id" value=c.id.to_string()/> })}
            <label for=format!("c-name-{key}")>{t.name}</label>
            <input id=format!("c-name-{key}") name="name" required maxlength="200" value=c.name.clone()/>
            <fieldset>
                <legend>{t.members}</legend>
                {agents.iter().enumerate().map(|(i, a)| view! {
                    <label class="check">
                        <input type="checkbox" name=format!("members[{i}]") value=a.id.to_string() checked=c.members.contains(&a.id)/>
                        " " {a.name.clone()}
                    </label>
                }).collect_view()}
            </fieldset>
            <button type="submit" class="primary">{if new { t.add_client } else { t.save }}</button>
        </ActionForm>
    }
}

#[component]
pub fn Settings() -> impl IntoView {
    let t = texts();
    let settings = super::resource(|| (), |_| get_settings());
    view! {
        <h1>{t.settings_title}</h1>
        <Transition fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || Suspend::new(async move {
                match settings.await {
                    Ok(s) => {
                        let mail = match &s.mail {
                            MailStatus::Smtp { host } => crate::i18n::fill(t.mail_smtp, &[("host", host.as_str())]),
                            MailStatus::Files { dir } => crate::i18n::fill(t.mail_files, &[("dir", dir.as_str())]),
                        };
                        Either::Left(view! {
                            <SettingsForm organisation=s.organisation.clone() default_expiry=s.default_expiry_text.clone() max_expiry=s.max_expiry_text.clone()/>
                            <LogoForm url=s.logo_url.clone()/>
                            <dl class="card fields-list" id="settings">
                                <dt>{t.public_url}</dt><dd>{s.public_url.clone()}</dd>
                                <dt>{t.mail}</dt><dd>{mail}</dd>
                                <dt>{t.version}</dt><dd>{s.version.clone()}</dd>
                            </dl>
                            <p class="muted">{t.settings_note}</p>
                        })
                    }
                    Err(e) => Either::Right(view! { <ErrorNote error=e/> }),
                }
            })}
        </Transition>
    }
}

/// The settings an admin can change: a plain form; the page comes back saying it saved, or
/// with the error beside its field.
#[component]
fn SettingsForm(organisation: String, default_expiry: String, max_expiry: String) -> impl IntoView {
    let t = texts();
    let save = ServerAction::<SaveSettings>::new();
    let error = move || save.value().get().and_then(|r| r.err());
    view! {
        <ActionForm action=save attr:class="card grid-form" attr:id="settings-form">
            <label for="s-organisation">{t.organisation}</label>
            <input id="s-organisation" name="organisation" required maxlength="100" value=organisation/>
            {field_error(error, "organisation")}
            <label for="s-default">{t.default_expiry}</label>
            <input id="s-default" name="default_expiry" required value=default_expiry aria-describedby="duration-hint"/>
            {field_error(error, "default_expiry")}
            <label for="s-max">{t.max_expiry}</label>
            <input id="s-max" name="max_expiry" required value=max_expiry aria-describedby="duration-hint"/>
            {field_error(error, "max_expiry")}
            <span class="hint" id="duration-hint">{t.duration_hint}</span>
            <button type="submit" class="primary">{t.save}</button>
            {done("settings").then(|| view! { <span role="status" id="settings-saved">{t.saved}</span> })}
        </ActionForm>
    }
}

/// The organisation's logo: a plain multipart form to `/admin/settings/logo` (no script
/// needed), which comes back here with `?done=logo` or `?logo_error=…`.
#[component]
fn LogoForm(url: Option<String>) -> impl IntoView {
    let t = texts();
    let error = leptos_router::hooks::use_query_map()
        .with_untracked(|q| q.get("logo_error"))
        .map(|e| match e.as_str() {
            "too_big" => t.logo_err_too_big,
            "dimensions" => t.logo_err_dimensions,
            _ => t.logo_err_not_image,
        });
    let has_logo = url.is_some();
    view! {
        <form class="card grid-form" id="logo-form" method="post" action="/admin/settings/logo" enctype="multipart/form-data">
            <span class="label">{t.logo}</span>
            {match url {
                Some(u) => Either::Left(view! { <img class="org-logo" id="current-logo" src=u alt=t.logo/> }),
                None => Either::Right(view! { <span class="muted" id="no-logo">{t.logo_none}</span> }),
            }}
            <label for="s-logo">{t.logo_upload}</label>
            <input id="s-logo" name="logo" type="file" required accept="image/png,image/jpeg,image/webp" aria-describedby="logo-hint"/>
            {error.map(|e| view! { <span class="field-error" id="err-logo" role="alert">{e}</span> })}
            <span class="hint" id="logo-hint">{t.logo_hint}</span>
            <button type="submit" class="primary" id="upload-logo">{t.logo_upload}</button>
            {done("logo").then(|| view! { <span role="status" id="logo-saved">{t.saved}</span> })}
        </form>
        {has_logo.then(|| view! {
            <form class="card" id="logo-remove-form" method="post" action="/admin/settings/logo" enctype="multipart/form-data">
                <input type="hidden" name="remove" value="1"/>
                <button type="submit" class="danger" id="remove-logo">{t.logo_remove}</button>
            </form>
        })}
    }
}

/// Mail and webhooks: where mail goes, the outbox with last errors and retry, a test mail, and
/// the webhook endpoints (the secret of a new one is shown once).
#[component]
pub fn Mail() -> impl IntoView {
    if let Some(no) = admins_only() {
        return Either::Left(no);
    }
    let t = texts();
    let query = leptos_router::hooks::use_query_map();
    let state = Memo::new(move |_| query.with(|q| q.get("state").unwrap_or_default()));
    let cursor = Memo::new(move |_| query.with(|q| q.get("cursor").unwrap_or_default()));
    let retry = ServerAction::<RetryDelivery>::new();
    let remove = ServerAction::<RemoveWebhook>::new();
    let page = super::resource(
        move || (state.get(), cursor.get()),
        |(s, c)| list_outbox(s, c),
    );
    let tab = move |value: &'static str, label: &'static str| {
        let (href, id) = match value {
            "" => ("/admin/mail".to_owned(), "mail-tab-all".to_owned()),
            v => (format!("/admin/mail?state={v}"), format!("mail-tab-{v}")),
        };
        let selected = Signal::derive(move || state.get() == value);
        view! { <Tab href=href id=id label=label selected=selected/> }
    };
    let errors = move || {
        [retry.value().get(), remove.value().get()]
            .into_iter()
            .flatten()
            .find_map(|r| r.err())
    };
    Either::Right(view! {
        <h1>{t.mail_title}</h1>
        <nav class="tabs" aria-label=t.mail_title>
            {tab("", t.mail_all)}
            {tab("pending", t.state_pending)}
            {tab("failed", t.state_failed)}
        </nav>
        {move || errors().map(|e| view! { <ErrorNote error=e/> })}
        <Transition fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(p) => Either::Left(view! { <OutboxView p=p state=state.get_untracked() retry=retry remove=remove/> }),
                    Err(e) => Either::Right(view! { <ErrorNote error=e/> }),
                }
            })}
        </Transition>
    })
}

#[component]
fn OutboxView(
    p: OutboxPage,
    state: String,
    retry: ServerAction<RetryDelivery>,
    remove: ServerAction<RemoveWebhook>,
) -> impl IntoView {
    let t = texts();
    let mail = match &p.mail {
        MailStatus::Smtp { host } => crate::i18n::fill(t.mail_smtp, &[("host", host.as_str())]),
        MailStatus::Files { dir } => crate::i18n::fill(t.mail_files, &[("dir", dir.as_str())]),
    };
    let counts = crate::i18n::fill(
        t.mail_counts,
        &[
            ("pending", &p.pending.to_string()),
            ("failed", &p.failed.to_string()),
        ],
    );
    let older = p.next_cursor.clone().map(|c| {
        let state = if state.is_empty() { String::new() } else { format!("state={state}&") };
        view! { <a class="button secondary" id="mail-older" href=format!("/admin/mail?{state}cursor={c}")>{t.older}</a> }
    });
    let rows = p.rows.clone();
    view! {
        <section class="card" id="mail-status">
            <p>{mail}</p>
            // This, the outbox and the webhooks are fetched again after a change (`enhance`).
            <p id="mail-counts" data-live="">{counts}</p>
            <TestMail/>
        </section>
        <div data-live="" id="outbox-live">
        {if rows.is_empty() {
            Either::Left(view! { <p class="empty" id="no-mail">{t.no_mail}</p> })
        } else {
            Either::Right(view! {
                <div class="table-wrap">
                    <table id="outbox">
                        <thead><tr>
                            <th scope="col">{t.created_at}</th>
                            <th scope="col">{t.mail_kind}</th>
                            <th scope="col">{t.mail_to}</th>
                            <th scope="col">{t.mail_state}</th>
                            <th scope="col">{t.mail_attempts}</th>
                            <th scope="col">{t.mail_detail}</th>
                            <th scope="col"><span class="sr-only">{t.col_actions}</span></th>
                        </tr></thead>
                        <tbody>
                            {rows.into_iter().map(|r| view! { <OutboxLine r=r retry=retry/> }).collect_view()}
                        </tbody>
                    </table>
                </div>
            })
        }}
        {older}
        </div>
        <section class="card" aria-labelledby="webhooks-title">
            <h2 id="webhooks-title">{t.webhooks}</h2>
            <ul id="webhooks" data-live="">
                {p.webhooks.into_iter().map(|w| view! {
                    <li>
                        <code>{w.url.clone()}</code>
                        <ActionForm action=remove attr:class="inline">
                            <input type="hidden" name="id" value=w.id.clone()/>
                            <button type="submit" class="secondary">{t.remove}</button>
                        </ActionForm>
                    </li>
                }).collect_view()}
            </ul>
            <AddWebhookForm/>
            <p class="hint">{t.webhook_hint}</p>
        </section>
    }
}

/// The test-mail button and its answer (a plain form; the page comes back saying so).
#[component]
fn TestMail() -> impl IntoView {
    let t = texts();
    let test = ServerAction::<SendTestMail>::new();
    view! {
        <ActionForm action=test attr:class="inline">
            <button type="submit" class="secondary" id="send-test-mail">{t.send_test_mail}</button>
        </ActionForm>
        {done("test-mail").then(|| view! { <span role="status" id="test-mail-queued">{t.test_mail_queued}</span> })}
        {move || test.value().get().and_then(|r| r.err()).map(|e| view! { <ErrorNote error=e/> })}
    }
}

/// Adding a webhook endpoint. An island: its secret is the server function's answer, shown
/// once, here.
#[cfg_attr(feature = "link-bundle", component)]
#[cfg_attr(not(feature = "link-bundle"), island)]
fn AddWebhookForm() -> impl IntoView {
    let t = texts();
    let add = ServerAction::<AddWebhook>::new();
    Effect::new(move |_| {
        if add.value().get().is_some_and(|r| r.is_ok()) {
            crate::live::request_refresh();
        }
    });
    view! {
        <ActionForm action=add attr:class="grid-form" attr:id="add-webhook-form">
            <label for="w-url">{t.webhook_url}</label>
            <input id="w-url" name="url" type="url" required placeholder="https://"/>
            {field_error(move || add.value().get().and_then(|r| r.err()), "url")}
            <button type="submit" class="primary">{t.add_webhook}</button>
        </ActionForm>
        {move || add.value().get().and_then(|r| r.ok()).map(|secret| view! {
            <p role="status" id="webhook-secret">{t.webhook_secret} " " <code>{secret}</code></p>
        })}
    }
}

#[component]
fn OutboxLine(r: OutboxRow, retry: ServerAction<RetryDelivery>) -> impl IntoView {
    let t = texts();
    let can_retry = r.state == "failed" || r.state == "pending";
    let detail = match (&r.last_error, r.next_attempt_at) {
        (Some(e), _) => Either::Left(view! { <span class="error-text">{e.clone()}</span> }),
        (None, Some(at)) => Either::Right(Either::Left(view! { <Time at=at/> })),
        (None, None) => Either::Right(Either::Right("—")),
    };
    view! {
        <tr data-state=r.state.clone() data-kind=r.kind.clone()>
            <td data-label=t.created_at><Time at=r.created_at/></td>
            <td data-label=t.mail_kind>
                {t.mail_kind_name(&r.kind)}
                {r.request.map(|id| view! { " " <a href=format!("/requests/{id}") class="muted">"↗"</a> })}
            </td>
            <td data-label=t.mail_to class="wrap">{r.to.clone()}</td>
            <td data-label=t.mail_state>{t.mail_state_name(&r.state)}</td>
            <td data-label=t.mail_attempts>{r.attempts}</td>
            <td data-label=t.mail_detail class="wrap">{detail}</td>
            <td>
                {can_retry.then(|| view! {
                    <ActionForm action=retry attr:class="inline">
                        <input type="hidden" name="id" value=r.id.clone()/>
                        <button type="submit" class="secondary" data-action="retry">{t.retry}</button>
                    </ActionForm>
                })}
            </td>
        </tr>
    }
}

/// The audit log, newest first, a hundred at a time, and the whole of it as CSV.
#[component]
pub fn Audit() -> impl IntoView {
    if let Some(no) = admins_only() {
        return Either::Left(no);
    }
    let t = texts();
    let query = leptos_router::hooks::use_query_map();
    let cursor = Memo::new(move |_| query.with(|q| q.get("cursor").unwrap_or_default()));
    let page = super::resource(move || cursor.get(), list_audit);
    Either::Right(view! {
        <h1>{t.audit_title}</h1>
        <p class="muted">{t.audit_note}</p>
        <p><a class="button secondary" id="audit-export" href="/api/v1/audit.csv" download="beckon-audit.csv">{t.audit_export}</a></p>
        <Transition fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(p) if p.rows.is_empty() => EitherOf3::A(view! { <p class="empty" id="no-audit">{t.audit_empty}</p> }),
                    Ok(p) => {
                        let older = p.next_cursor.map(|c| view! {
                            <a class="button secondary" id="audit-older" href=format!("/admin/audit?cursor={c}")>{t.older}</a>
                        });
                        EitherOf3::B(view! {
                            <div class="table-wrap">
                                <table id="audit">
                                    <thead><tr>
                                        <th scope="col">{t.audit_when}</th>
                                        <th scope="col">{t.audit_event}</th>
                                        <th scope="col">{t.audit_who}</th>
                                        <th scope="col">{t.audit_from}</th>
                                        <th scope="col">{t.audit_target}</th>
                                        <th scope="col">{t.audit_detail}</th>
                                    </tr></thead>
                                    <tbody>
                                        {p.rows.into_iter().map(|r| view! {
                                            <tr data-kind=r.kind.clone()>
                                                <td><Time at=r.at/></td>
                                                <td>{audit_kind(&r.kind)}</td>
                                                <td>{r.actor}</td>
                                                <td>{r.ip}</td>
                                                <td class="mono">{r.target}</td>
                                                <td>{r.detail}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                            {older}
                        })
                    }
                    Err(e) => EitherOf3::C(view! { <ErrorNote error=e/> }),
                }
            })}
        </Transition>
    })
}

/// The words for an audit event's API name (the name itself for one this build lacks).
fn audit_kind(kind: &str) -> String {
    let t = texts();
    match kind {
        "sign_in_succeeded" => t.au_sign_in_succeeded,
        "sign_in_failed" => t.au_sign_in_failed,
        "signed_out_everywhere" => t.au_signed_out_everywhere,
        "password_changed" => t.au_password_changed,
        "agent_created" => t.au_agent_created,
        "agent_changed" => t.au_agent_changed,
        "client_created" => t.au_client_created,
        "client_changed" => t.au_client_changed,
        "settings_changed" => t.au_settings_changed,
        "webhook_added" => t.au_webhook_added,
        "webhook_removed" => t.au_webhook_removed,
        "link_released" => t.au_link_released,
        "declined_by_end_user" => t.au_declined_by_end_user,
        other => return other.to_owned(),
    }
    .to_owned()
}
