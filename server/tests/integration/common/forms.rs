//! Forms as the rendered page carries them: a test finds a form in a page, fills in what a
//! person would, and posts exactly the fields a browser would send. A field renamed on either
//! side (the page or the handler) fails a test instead of passing with a hand-written body.
use super::{Reply, Session};
use scraper::{ElementRef, Html, Selector};

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    /// text, email, password, hidden, search, url, number, textarea…: sent as it is
    Value,
    /// a checkbox or radio: sent only when checked
    Check { checked: bool, radio: bool },
    /// a submit button: sent only when it is the one pressed
    Submit,
    /// a select: one of its options
    Select { options: Vec<String> },
}

#[derive(Debug, Clone)]
struct Field {
    name: String,
    value: String,
    kind: Kind,
}

/// A form found in a page.
#[derive(Debug, Clone)]
pub struct Form {
    pub action: String,
    pub method: String,
    fields: Vec<Field>,
    /// The button pressed (name, value), if any.
    pressed: Option<(String, String)>,
    /// For messages: what the form was found by.
    found_by: String,
}

fn sel(css: &str) -> Selector {
    Selector::parse(css).unwrap_or_else(|e| panic!("bad selector {css}: {e:?}"))
}

impl Form {
    /// The form `css` selects in `page` (the first, if several); panics, naming the selector, if
    /// there is none.
    pub fn in_page(page: &str, css: &str) -> Form {
        Form::all_in_page(page, css).into_iter().next().unwrap_or_else(|| {
            panic!("no form matches {css:?} in the page:\n{}", page.chars().take(4000).collect::<String>())
        })
    }

    /// Every form `css` selects in `page`.
    pub fn all_in_page(page: &str, css: &str) -> Vec<Form> {
        let doc = Html::parse_document(page);
        doc.select(&sel(css)).map(|form| Form::read(&doc, form, css)).collect()
    }

    fn read(doc: &Html, form: ElementRef<'_>, css: &str) -> Form {
        let id = form.value().attr("id");
        let mut elements: Vec<ElementRef<'_>> = form
            .select(&sel("input, textarea, select, button"))
            // an element that names another form belongs to that one
            .filter(|e| e.value().attr("form").is_none_or(|f| Some(f) == id))
            .collect();
        // elements outside that name this form (the page cache moves the form keys to the end)
        if let Some(id) = id {
            let outside = sel(&format!("[form=\"{id}\"]"));
            for e in doc.select(&outside) {
                if !elements.contains(&e) {
                    elements.push(e);
                }
            }
        }
        let mut fields = Vec::new();
        for e in elements {
            let v = e.value();
            let tag = v.name();
            let submit = matches!(
                (tag, v.attr("type").unwrap_or("").to_ascii_lowercase().as_str()),
                ("input", "submit" | "image") | ("button", "" | "submit")
            );
            // an unnamed button sends nothing, but it may be the form's default one
            let Some(name) = v.attr("name").or(submit.then_some("")) else { continue };
            if v.attr("disabled").is_some() {
                continue;
            }
            let kind = match (tag, v.attr("type").unwrap_or("").to_ascii_lowercase().as_str()) {
                ("input", t @ ("checkbox" | "radio")) => {
                    Kind::Check { checked: v.attr("checked").is_some(), radio: t == "radio" }
                }
                ("input", "submit" | "image") | ("button", "" | "submit") => Kind::Submit,
                ("input", "file" | "reset" | "button") | ("button", _) => continue,
                ("select", _) => Kind::Select {
                    options: e
                        .select(&sel("option"))
                        .map(|o| {
                            o.value().attr("value").map(String::from).unwrap_or_else(|| o.text().collect())
                        })
                        .collect(),
                },
                _ => Kind::Value,
            };
            let value = match (&kind, tag) {
                (Kind::Select { options }, _) => e
                    .select(&sel("option[selected]"))
                    .next()
                    .map(|o| o.value().attr("value").map(String::from).unwrap_or_else(|| o.text().collect()))
                    .or_else(|| options.first().cloned())
                    .unwrap_or_default(),
                (_, "textarea") => e.text().collect(),
                (Kind::Check { .. }, _) => v.attr("value").unwrap_or("on").to_string(),
                _ => v.attr("value").unwrap_or("").to_string(),
            };
            fields.push(Field { name: name.to_string(), value, kind });
        }
        Form {
            action: form.value().attr("action").unwrap_or("").to_string(),
            method: form.value().attr("method").unwrap_or("get").to_ascii_lowercase(),
            fields,
            pressed: None,
            found_by: css.to_string(),
        }
    }

    fn missing(&self, what: &str) -> ! {
        let names: Vec<&str> = self.fields.iter().map(|f| f.name.as_str()).collect();
        panic!("the form {:?} has no {what}; its fields: {names:?}", self.found_by)
    }

    /// Types `value` into the field `name` (a text field, a textarea, a hidden field the page
    /// script would set); panics if the form has no such field.
    pub fn set(mut self, name: &str, value: &str) -> Form {
        let f = self
            .fields
            .iter_mut()
            .find(|f| f.name == name && f.kind == Kind::Value)
            .unwrap_or_else(|| self_missing(&self.found_by, name));
        f.value = value.to_string();
        self
    }

    /// Ticks the checkbox `name` (with `value`, when several share the name), or picks the
    /// radio button `name` = `value`, or the option `value` of the select `name`.
    pub fn choose(mut self, name: &str, value: &str) -> Form {
        let is_check = |f: &Field| f.name == name && matches!(f.kind, Kind::Check { .. });
        if self.fields.iter().any(|f| is_check(f) && f.value == value) {
            for f in self.fields.iter_mut().filter(|f| f.name == name) {
                let is_it = f.value == value;
                if let Kind::Check { checked, radio } = &mut f.kind {
                    if is_it {
                        *checked = true;
                    } else if *radio {
                        // one radio of a name is checked at a time
                        *checked = false;
                    }
                }
            }
            return self;
        }
        match self.fields.iter_mut().find(|f| f.name == name && matches!(f.kind, Kind::Select { .. })) {
            Some(f) => {
                let Kind::Select { options } = &f.kind else { unreachable!() };
                if !options.iter().any(|o| o == value) {
                    panic!("the select {name:?} has no option {value:?}: {options:?}");
                }
                f.value = value.to_string();
                self
            }
            None => self.missing(&format!("choice {name}={value}")),
        }
    }

    /// Unticks the checkbox `name`.
    pub fn untick(mut self, name: &str) -> Form {
        let mut found = false;
        for f in self.fields.iter_mut().filter(|f| f.name == name) {
            if let Kind::Check { checked, .. } = &mut f.kind {
                *checked = false;
                found = true;
            }
        }
        if !found {
            self.missing(&format!("checkbox {name}"));
        }
        self
    }

    /// Presses the submit button `name` = `value` (a form with several buttons).
    pub fn press(mut self, name: &str, value: &str) -> Form {
        if !self.fields.iter().any(|f| f.kind == Kind::Submit && f.name == name && f.value == value) {
            self.missing(&format!("button {name}={value}"));
        }
        self.pressed = Some((name.to_string(), value.to_string()));
        self
    }

    /// The value the page gave field `name` (the first of that name).
    pub fn value(&self, name: &str) -> String {
        match self.fields.iter().find(|f| f.name == name) {
            Some(f) => f.value.clone(),
            None => self.missing(name),
        }
    }

    /// Whether the form has a field `name`.
    pub fn has(&self, name: &str) -> bool {
        self.fields.iter().any(|f| f.name == name)
    }

    /// The fields a browser sends, in the page's order.
    pub fn fields(&self) -> Vec<(String, String)> {
        // without a button pressed, the form's default button (its first) submits it
        let default = self.fields.iter().position(|f| f.kind == Kind::Submit);
        self.fields
            .iter()
            .enumerate()
            .filter(|(i, f)| match &f.kind {
                Kind::Value | Kind::Select { .. } => true,
                Kind::Check { checked, .. } => *checked,
                Kind::Submit => match &self.pressed {
                    Some((n, v)) => *n == f.name && *v == f.value,
                    None => Some(*i) == default,
                },
            })
            .filter(|(_, f)| !f.name.is_empty())
            .map(|(_, f)| (f.name.clone(), f.value.clone()))
            .collect()
    }

    fn pairs(&self) -> Vec<(String, String)> {
        assert_eq!(self.method, "post", "the form {:?} is not posted", self.found_by);
        self.fields()
    }

    /// Posts the form as a browser with JavaScript off does.
    pub async fn post_plain(&self, s: &Session<'_>) -> Reply {
        let pairs = self.pairs();
        let form: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        s.post_plain(&self.action, &form).await
    }

    /// Posts the form as the page swapper (JavaScript on) does.
    pub async fn post_swapped(&self, s: &Session<'_>) -> Reply {
        let pairs = self.pairs();
        let form: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        s.post_swapped(&self.action, &form).await
    }

    /// Posts the form's fields to its server function for its JSON answer, as an island does.
    pub async fn post_js(&self, s: &Session<'_>) -> Reply {
        let pairs = self.pairs();
        let form: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        s.post_js(&self.action, &form).await
    }
}

/// The address of the first link `css` selects in `page`, as a browser would follow it (entities
/// decoded).
pub fn link_in(page: &str, css: &str) -> Option<String> {
    let doc = Html::parse_document(page);
    let href = doc.select(&sel(css)).next()?.value().attr("href")?.to_string();
    Some(href)
}

/// The text of every element `css` selects in `page`, trimmed, in order.
pub fn texts_in(page: &str, css: &str) -> Vec<String> {
    let doc = Html::parse_document(page);
    doc.select(&sel(css)).map(|e| e.text().collect::<String>().trim().to_string()).collect()
}

fn self_missing(found_by: &str, name: &str) -> ! {
    panic!("the form {found_by:?} has no text field {name:?}")
}
