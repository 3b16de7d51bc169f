//! The desk's forms about the site: moderation settings, an article's comments mode, the inbox.
use super::*;

pub async fn settings(State(state): State<AppState>, req: Request) -> Response {
    use app::domain::desk::{HoldMode, ModerationSettings};
    let w = match read(&state, req, Role::Admin).await {
        Ok(w) => w,
        Err(res) => return res,
    };
    let uri = "/desk/settings";
    let num = |name: &str, max: u32| -> Option<u32> {
        field(&w.fields, name).trim().parse().ok().filter(|n| *n <= max)
    };
    let Some(hold) = HoldMode::parse(field(&w.fields, "hold")) else {
        return refuse(&state, &w, uri, StatusCode::BAD_REQUEST, "Choose which comments to hold.").await;
    };
    let (Some(max_links), Some(close_after_days), Some(reports_to_hold), Some(address_days)) = (
        num("max_links", 1000),
        num("close_after_days", 36_500),
        num("reports_to_hold", 1000),
        num("address_days", 36_500),
    ) else {
        return refuse(
            &state,
            &w,
            uri,
            StatusCode::BAD_REQUEST,
            "The numbers must be whole numbers of 0 or more.",
        )
        .await;
    };
    let block_words: Vec<String> = field(&w.fields, "block_words")
        .lines()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .take(2000)
        .collect();
    if block_words.iter().any(|w| w.chars().count() > 100) {
        return refuse(
            &state,
            &w,
            uri,
            StatusCode::BAD_REQUEST,
            "Each blocked word or phrase can be at most 100 characters.",
        )
        .await;
    }
    let privacy_text = field(&w.fields, "privacy_text").trim().to_string();
    if privacy_text.is_empty() || privacy_text.chars().count() > 20_000 {
        return refuse(
            &state,
            &w,
            uri,
            StatusCode::BAD_REQUEST,
            "The privacy text is required (at most 20,000 characters).",
        )
        .await;
    }
    let new = ModerationSettings {
        hold,
        max_links,
        block_words,
        close_after_days,
        reports_to_hold,
        privacy_text,
        address_days,
    };
    let before = match store::settings::load(&state.pool).await {
        Ok(s) => s,
        Err(e) => return failed("loading settings", e),
    };
    let now = state.clock.now();
    let who = staff::actor(&w.staff);
    let saved = async {
        let mut tx = app::server::store::begin(&state.pool).await?;
        let result = async {
            store::settings::save(&mut tx, &new).await?;
            let (b, a) = (
                serde_json::to_string(&before).unwrap_or_default(),
                serde_json::to_string(&new).unwrap_or_default(),
            );
            if b != a {
                store::audit::record(
                    &mut tx,
                    &who,
                    "settings",
                    "moderation settings",
                    Some(&b),
                    Some(&a),
                    now,
                )
                .await?;
            }
            Ok::<_, app::server::store::StoreError>(())
        }
        .await;
        app::server::store::end(tx, result).await
    }
    .await;
    match saved {
        Ok(()) => {
            // "close after N days" and the hold rules show on every article
            state.changed(app::server::changes::Change::Site).await;
            finish(&w.headers, "/desk/settings?done=saved")
        }
        Err(e) => failed("saving settings", e),
    }
}

/// Desk → Site: the site's name, tagline, Contact Information, navigation and footer. Every
/// page shows them: a site-wide change (every server reads them again, kept pages drop).
pub async fn site_identity(State(state): State<AppState>, req: Request) -> Response {
    let w = match read(&state, req, Role::Admin).await {
        Ok(w) => w,
        Err(res) => return res,
    };
    let f = |name: &str| field(&w.fields, name);
    let form = app::domain::site::SiteForm {
        name: f("name"),
        tagline: f("tagline"),
        street: f("street"),
        city: f("city"),
        region: f("region"),
        postal_code: f("postal_code"),
        country: f("country"),
        nav: f("nav"),
        footer: f("footer"),
    };
    let new = match form.check() {
        Ok(site) => site,
        Err(why) => return refuse(&state, &w, "/desk/site", StatusCode::BAD_REQUEST, &why).await,
    };
    let now = state.clock.now();
    let who = staff::actor(&w.staff);
    let saved = async {
        let mut tx = app::server::store::begin(&state.pool).await?;
        let result = async {
            // read in the transaction: the audit log's "before" is what this save replaced
            let before = store::settings::load_site_in(&mut tx).await?;
            store::settings::save_site(&mut tx, &new).await?;
            if before != new {
                store::audit::record(
                    &mut tx,
                    &who,
                    "site",
                    "the site's identity",
                    Some(&serde_json::to_string(&before).unwrap_or_default()),
                    Some(&serde_json::to_string(&new).unwrap_or_default()),
                    now,
                )
                .await?;
            }
            Ok::<_, app::server::store::StoreError>(before != new)
        }
        .await;
        app::server::store::end(tx, result).await
    }
    .await;
    match saved {
        Ok(changed) => {
            if changed {
                // the header and footer of every page: read again here, then every kept page drops
                state.changed(app::server::changes::Change::Site).await;
            }
            finish(&w.headers, "/desk/site?done=saved")
        }
        Err(e) => failed("saving the site's identity", e),
    }
}

pub async fn article_mode(State(state): State<AppState>, req: Request) -> Response {
    let w = match read(&state, req, Role::Editor).await {
        Ok(w) => w,
        Err(res) => return res,
    };
    let Some(mode) = app::domain::article::CommentsMode::parse(field(&w.fields, "mode")) else {
        return refuse(
            &state,
            &w,
            "/desk/articles",
            StatusCode::BAD_REQUEST,
            "Choose open, closed or hidden.",
        )
        .await;
    };
    let slug = field(&w.fields, "slug");
    match store::moderate::set_article_mode(
        &state.pool,
        slug,
        mode,
        &staff::actor(&w.staff),
        state.clock.now(),
    )
    .await
    {
        Ok(true) => {
            // named by its slug here; a rare change: every kept page drops
            state.changed(app::server::changes::Change::Site).await;
            finish(&w.headers, "/desk/articles?done=saved")
        }
        Ok(false) => {
            refuse(&state, &w, "/desk/articles", StatusCode::NOT_FOUND, "That article does not exist.").await
        }
        Err(e) => failed("setting an article's comments", e),
    }
}

pub async fn inbox(State(state): State<AppState>, req: Request) -> Response {
    let w = match read(&state, req, Role::Editor).await {
        Ok(w) => w,
        Err(res) => return res,
    };
    let to = field(&w.fields, "state");
    let back = desk_back(field(&w.fields, "back"), "/desk/inbox");
    if !matches!(to, "unread" | "read" | "archived") {
        return refuse(&state, &w, &back, StatusCode::BAD_REQUEST, "Choose read, unread or archived.").await;
    }
    let Ok(id) = field(&w.fields, "id").parse::<i64>() else {
        return refuse(&state, &w, &back, StatusCode::BAD_REQUEST, "Choose a message.").await;
    };
    match app::server::store::contact::set_state(
        &state.pool,
        id,
        to,
        &staff::actor(&w.staff),
        state.clock.now(),
    )
    .await
    {
        Ok(Some(_)) => finish(&w.headers, &back),
        Ok(None) => refuse(&state, &w, &back, StatusCode::NOT_FOUND, "That message no longer exists.").await,
        Err(e) => failed("filing a message", e),
    }
}
