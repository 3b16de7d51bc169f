use crate::api::{get_form_state, SendContactMessage};
use crate::components::field::{FormAlert, TextArea, TextField};
use crate::components::layout::ContactInformation;
use crate::domain::FormState;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;

#[component]
pub fn ContactPage() -> impl IntoView {
    let form_state = Resource::new(|| (), |_| get_form_state("contact".into()));
    view! {
        <Title text="Contact Us"/>
        <Meta name="description" content="How to reach the Byline newsroom: address and contact form."/>
        <section class="contact-page">
            <h1>"Contact Us"</h1>
            <p class="standfirst">"Tips, corrections and questions reach the newsroom here. We read every message."</p>
            <div class="contact-grid">
                <ContactInformation heading_id="contact-info-title" not_a_landmark=true/>
                <Suspense fallback=|| view! { <p class="loading">"Loading the form…"</p> }>
                    {move || Suspend::new(async move {
                        let state = form_state.await.unwrap_or_default();
                        view! { <ContactForm state/> }
                    })}
                </Suspense>
            </div>
        </section>
    }
}

#[component]
fn ContactForm(state: FormState) -> impl IntoView {
    let action = ServerAction::<SendContactMessage>::new();
    let (initial, initial_error) = match state.contact_echo() {
        Some((f, e)) => (f, Some(e)),
        None => (Default::default(), None),
    };
    let name = RwSignal::new(initial.name);
    let email = RwSignal::new(initial.email);
    let subject = RwSignal::new(initial.subject);
    let message = RwSignal::new(initial.message);
    let errors = RwSignal::new(initial_error);
    // JavaScript off: the plain post redirects to ?sent=1
    let query = use_query_map();
    let sent_plain = move || query.read().get("sent").is_some();
    let sent = RwSignal::new(false);
    Effect::new(move |_| match action.value().get() {
        Some(Ok(())) => {
            for f in [name, email, subject, message] {
                f.set(String::new());
            }
            errors.set(None);
            sent.set(true);
        }
        Some(Err(e)) => {
            errors.set(Some(e));
            sent.set(false);
        }
        None => {}
    });
    let nonce = state.nonce.clone();
    let key = move || format!("{nonce}-{}", action.version().get());
    let pending = action.pending();
    view! {
        <div class="contact-form-wrap">
            <h2>"Send us a message"</h2>
            <p class="form-success" role="status" class:visible=move || sent.get() || sent_plain()>
                {move || (sent.get() || sent_plain()).then_some("Thank you — your message was sent. The newsroom will reply by email.")}
            </p>
            <ActionForm action=action attr:class="contact-form" attr:novalidate=true>
                <FormAlert errors/>
                <input type="hidden" name="key" prop:value=key.clone() value=key/>
                <TextField id="contact-name".to_string() name="name" label="Name" value=name errors required=true autocomplete="name" maxlength=80/>
                <TextField id="contact-email".to_string() name="email" label="Email" kind="email" value=email errors required=true autocomplete="email" maxlength=254/>
                <TextField id="contact-subject".to_string() name="subject" label="Subject" value=subject errors required=true maxlength=150/>
                <TextArea id="contact-message".to_string() name="message" label="Message" value=message errors required=true rows=8 maxlength=5000/>
                // people never see this field; bots that fill every field give themselves away
                <div class="hp" aria-hidden="true">
                    <label for="contact-website">"Leave this field empty"</label>
                    <input id="contact-website" type="text" name="website" tabindex="-1" autocomplete="off"/>
                </div>
                <div class="form-actions">
                    <button type="submit" class="button primary" disabled=move || pending.get()>
                        {move || if pending.get() { "Sending…" } else { "Send message" }}
                    </button>
                </div>
            </ActionForm>
        </div>
    }
}
