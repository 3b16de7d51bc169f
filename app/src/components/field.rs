//! Labelled form fields that show their own refusal message and keep what was typed.
use crate::domain::ApiError;
use leptos::prelude::*;

fn error_for(errors: RwSignal<Option<ApiError>>, name: &'static str) -> Signal<Option<String>> {
    Signal::derive(move || errors.with(|e| e.as_ref().and_then(|e| e.message_for(name))))
}

#[component]
pub fn TextField(
    /// Unique within the page.
    id: String,
    name: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    errors: RwSignal<Option<ApiError>>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional)] required: bool,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(default = 200)] maxlength: usize,
) -> impl IntoView {
    let message = error_for(errors, name);
    let err_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let described = {
        let (err_id, hint_id) = (err_id.clone(), hint_id.clone());
        move || {
            let mut ids = Vec::new();
            if hint.is_some() {
                ids.push(hint_id.clone());
            }
            if message.get().is_some() {
                ids.push(err_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="field" class:has-error=move || message.get().is_some()>
            <label for=id.clone()>
                {label}
                {required.then(|| view! { <span class="required" aria-hidden="true">" *"</span> })}
            </label>
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{h}</p> })}
            <input
                id=id.clone()
                name=name
                type=kind
                value=value.get_untracked()
                prop:value=value
                on:input=move |ev| value.set(event_target_value(&ev))
                required=required
                maxlength=maxlength
                autocomplete=autocomplete
                aria-invalid=move || message.get().map(|_| "true")
                aria-describedby=described
            />
            <p class="field-error" id=err_id role="alert">{move || message.get()}</p>
        </div>
    }
}

#[component]
pub fn TextArea(
    id: String,
    name: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    errors: RwSignal<Option<ApiError>>,
    #[prop(default = 6)] rows: u32,
    #[prop(optional)] required: bool,
    #[prop(default = 10_000)] maxlength: usize,
    #[prop(optional)] placeholder: Option<&'static str>,
    /// Focused when the page swapper (`enhance.js`) brings its form into view.
    #[prop(optional)]
    autofocus: bool,
) -> impl IntoView {
    let message = error_for(errors, name);
    let err_id = format!("{id}-error");
    let described = {
        let err_id = err_id.clone();
        move || message.get().map(|_| err_id.clone())
    };
    // The initial text is a child so it is in the server HTML; afterwards `prop:value` drives it.
    // tachys writes <textarea> children unescaped (like <script>), so escape here: otherwise a
    // refused comment containing `</textarea><script>` would run when its form is shown again.
    let initial = crate::domain::text::escape_html(&value.get_untracked());
    view! {
        <div class="field" class:has-error=move || message.get().is_some()>
            <label for=id.clone()>
                {label}
                {required.then(|| view! { <span class="required" aria-hidden="true">" *"</span> })}
            </label>
            <textarea
                id=id.clone()
                name=name
                rows=rows
                required=required
                maxlength=maxlength
                placeholder=placeholder
                data-autofocus=autofocus.then_some("")
                prop:value=value
                on:input=move |ev| value.set(event_target_value(&ev))
                aria-invalid=move || message.get().map(|_| "true")
                aria-describedby=described
            >
                {initial}
            </textarea>
            <p class="field-error" id=err_id role="alert">{move || message.get()}</p>
        </div>
    }
}

/// The summary line above a refused form; field messages stand next to their fields.
#[component]
pub fn FormAlert(errors: RwSignal<Option<ApiError>>) -> impl IntoView {
    view! {
        <p class="form-alert" role="alert" class:visible=move || errors.with(Option::is_some)>
            {move || errors.get().map(|e| e.to_string())}
        </p>
    }
}
