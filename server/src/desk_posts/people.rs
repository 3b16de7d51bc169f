//! The desk's forms about people: staff accounts (admins only) and a reader's data (export or erase).
use super::*;

/// An admin adds a staff account.
pub async fn add_staff(State(state): State<AppState>, req: Request) -> Response {
    let w = match read(&state, req, Role::Admin).await {
        Ok(w) => w,
        Err(res) => return res,
    };
    let uri = "/desk/staff";
    let Ok(email) = app::domain::text::Email::parse(field(&w.fields, "email")) else {
        return refuse(&state, &w, uri, StatusCode::BAD_REQUEST, "Enter a valid email address.").await;
    };
    let name = match app::domain::text::required_line(field(&w.fields, "name"), "name", 80) {
        Ok(n) => n,
        Err(m) => return refuse(&state, &w, uri, StatusCode::BAD_REQUEST, m).await,
    };
    let Some(role) = Role::parse(field(&w.fields, "role")) else {
        return refuse(&state, &w, uri, StatusCode::BAD_REQUEST, "Choose a role.").await;
    };
    let password = field(&w.fields, "password").to_string();
    if let Err(m) = staff::check_new_password(&password) {
        return refuse(&state, &w, uri, StatusCode::BAD_REQUEST, format!("Password: {m}")).await;
    }
    let hash = match tokio::task::spawn_blocking(move || staff::hash_password(&password)).await {
        Ok(Ok(h)) => h,
        _ => return failed("hashing a password", "argon2"),
    };
    let who = staff::actor(&w.staff);
    match store::staff::create(&state.pool, email.as_str(), &name, role, &hash, &who, state.clock.now()).await
    {
        Ok(_) => finish(&w.headers, "/desk/staff?done=added"),
        Err(store::staff::CreateError::Exists) => {
            refuse(&state, &w, uri, StatusCode::CONFLICT, "An account with this email exists already.").await
        }
        Err(store::staff::CreateError::Store(e)) => failed("adding a staff account", e),
    }
}

/// An admin changes an account's role or disables it; anyone changes their own alerts.
pub async fn update_staff(State(state): State<AppState>, Path(id): Path<i64>, req: Request) -> Response {
    let w = match read(&state, req, app::domain::desk::Need::AnyStaff).await {
        Ok(w) => w,
        Err(res) => return res,
    };
    let uri = "/desk/staff";
    let own = w.staff.id == id;
    if !own && w.staff.role != Role::Admin {
        return refuse(&state, &w, uri, StatusCode::FORBIDDEN, "Only an admin can change other accounts.")
            .await;
    }
    let alerts = match field(&w.fields, "alerts") {
        "" => None,
        a @ ("immediate" | "hourly" | "none") => Some(a),
        _ => return refuse(&state, &w, uri, StatusCode::BAD_REQUEST, "Choose when to be told.").await,
    };
    // role and the disabled flag: an admin's to change (for another account, only theirs)
    let (role, disabled, by_admin) = if w.staff.role == Role::Admin {
        let role = match field(&w.fields, "role") {
            "" => None,
            r => match Role::parse(r) {
                Some(r) => Some(r),
                None => return refuse(&state, &w, uri, StatusCode::BAD_REQUEST, "Choose a role.").await,
            },
        };
        (role, Some(field(&w.fields, "disabled") == "1"), Some(w.staff.id))
    } else {
        (None, None, None)
    };
    // the author page: theirs to write, or an admin's
    let mut profile_changed = false;
    if w.fields.iter().any(|(k, _)| k == "author_slug") {
        let name = match store::staff::by_id(&state.pool, id).await {
            Ok(Some(a)) => a.name,
            Ok(None) => {
                return refuse(&state, &w, uri, StatusCode::NOT_FOUND, "That account does not exist.").await
            }
            Err(e) => return failed("loading a staff account", e),
        };
        let sent = app::domain::author::Profile {
            public_name: field(&w.fields, "public_name").into(),
            bio: field(&w.fields, "bio").into(),
            slug: field(&w.fields, "author_slug").into(),
        };
        let profile = match sent.check(&name) {
            Ok(p) => p,
            Err(errors) => {
                let message = errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join(" ");
                return refuse(&state, &w, uri, StatusCode::BAD_REQUEST, message).await;
            }
        };
        match store::staff::set_profile(&state.pool, id, &profile, &staff::actor(&w.staff), state.clock.now())
            .await
        {
            Ok(changed) => profile_changed = changed,
            Err(store::staff::ProfileError::SlugTaken) => {
                let message = "Another author page has this address: choose another.";
                return refuse(&state, &w, uri, StatusCode::CONFLICT, message).await;
            }
            Err(store::staff::ProfileError::NotFound) => {
                return refuse(&state, &w, uri, StatusCode::NOT_FOUND, "That account does not exist.").await
            }
            Err(store::staff::ProfileError::Store(e)) => return failed("saving an author page", e),
        }
    }
    if profile_changed {
        // bylines on kept pages name them
        state.changed(app::server::changes::Change::Site).await;
    }
    let password = field(&w.fields, "password").to_string();
    let mut new_hash = None;
    if !password.is_empty() {
        if !own {
            return refuse(&state, &w, uri, StatusCode::FORBIDDEN, "Each person sets their own password.")
                .await;
        }
        if let Err(m) = staff::check_new_password(&password) {
            return refuse(&state, &w, uri, StatusCode::BAD_REQUEST, format!("Password: {m}")).await;
        }
        // a session alone (an unlocked screen, a stolen cookie) cannot take the account over;
        // the check is counted and limited as a sign-in is
        let ip = app::server::requester::client_ip(&w.headers, &w.extensions, state.site.trust_proxy);
        let current = field(&w.fields, "current_password");
        if let Err(e) = staff::confirm_password(&state, &ip.to_string(), &w.staff, current).await {
            let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::FORBIDDEN);
            let mut res = refuse(&state, &w, uri, status, e.to_string()).await;
            if let Some(retry) = e.retry_after() {
                res.headers_mut().insert(header::RETRY_AFTER, http::HeaderValue::from(retry));
            }
            return res;
        }
        new_hash = match tokio::task::spawn_blocking(move || staff::hash_password(&password)).await {
            Ok(Ok(h)) => Some(h),
            _ => return failed("hashing a password", "argon2"),
        };
    }
    let change =
        store::staff::Change { role, disabled, alerts, password_hash: new_hash.as_deref(), by_admin };
    match store::staff::update(&state.pool, id, &change, &staff::actor(&w.staff), state.clock.now()).await {
        // every session ended with the old password, this one too
        Ok(()) if new_hash.is_some() => finish(&w.headers, "/desk/signin?password=changed"),
        Ok(()) => finish(&w.headers, "/desk/staff?done=saved"),
        Err(store::staff::UpdateError::LastAdmin) => {
            refuse(
                &state,
                &w,
                uri,
                StatusCode::CONFLICT,
                "The last active admin cannot be demoted or disabled.",
            )
            .await
        }
        Err(store::staff::UpdateError::NotFound) => {
            refuse(&state, &w, uri, StatusCode::NOT_FOUND, "That account does not exist.").await
        }
        Err(store::staff::UpdateError::NotAdmin) => {
            refuse(&state, &w, uri, StatusCode::FORBIDDEN, "Only an admin can change other accounts.").await
        }
        Err(store::staff::UpdateError::Store(e)) => failed("updating a staff account", e),
    }
}

/// Readers' data from the desk: a copy of an address's data (a JSON download), or its erasure
/// (after the editor ticked that they mean it).
pub async fn readers(State(state): State<AppState>, req: Request) -> Response {
    let w = match read(&state, req, Role::Editor).await {
        Ok(w) => w,
        Err(res) => return res,
    };
    let uri = "/desk/readers";
    let Ok(email) = app::domain::text::Email::parse(field(&w.fields, "email")) else {
        return refuse(&state, &w, uri, StatusCode::BAD_REQUEST, "Enter the reader's email address.").await;
    };
    let now = state.clock.now();
    let who = staff::actor(&w.staff);
    match field(&w.fields, "action") {
        "export" => match store::readers::export_logged(
            &state.pool,
            email.as_str(),
            &app::server::requester::erased_key(&state.secret, email.as_str()),
            &who,
            now,
        )
        .await
        {
            Ok(data) => crate::mail_links::json_download(&data),
            Err(e) => failed("exporting a reader's data", e),
        },
        "erase" if field(&w.fields, "confirm") == "yes" => {
            let key = app::server::requester::erased_key(&state.secret, email.as_str());
            match store::readers::erase(&state.pool, email.as_str(), &key, &who, now).await {
                Ok(done) => {
                    state.changed(app::server::changes::Change::Site).await;
                    finish(
                        &w.headers,
                        &format!(
                            "/desk/readers?done=erased&n={}",
                            done.comments_removed + done.comments_kept_as_deleted
                        ),
                    )
                }
                Err(e) => failed("erasing a reader's data", e),
            }
        }
        "erase" => {
            refuse(
                &state,
                &w,
                uri,
                StatusCode::BAD_REQUEST,
                "Tick the box to confirm the erasure: it cannot be undone.",
            )
            .await
        }
        _ => refuse(&state, &w, uri, StatusCode::BAD_REQUEST, "Choose export or erase.").await,
    }
}
