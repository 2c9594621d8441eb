//! Email templates for cart follow-ups: a subject and a plain-text body with `{{placeholder}}`s
//! filled from the cart. Checked when saved, so a typo in a placeholder is caught by the person
//! writing the template, not by the customer who would have read "{{frist_name}}".
//!
//! Syntax: `{{name}}` (spaces inside the braces are allowed), closed on the same line. There is
//! no escape for a literal `{{`: no placeholder text needs one, and a stray `{{` is far more
//! often a typo. A lone `}}` is plain text.

use crate::AppError;
use crate::grid::format_qty;
use crate::metrics::money;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Every placeholder a template may use, with the help text the editor shows.
pub const PLACEHOLDERS: &[(&str, &str)] = &[
    (
        "first_name",
        "The customer's first name, or “Customer” when unknown",
    ),
    ("last_name", "The customer's last name (empty when unknown)"),
    (
        "name",
        "The customer's full name, or “Customer” when unknown",
    ),
    ("email", "The customer's email address"),
    ("cart_id", "The cart's number in Magento (quote id)"),
    (
        "cart_total",
        "The cart's grand total with its currency, e.g. €123.40",
    ),
    ("store_name", "The store's name"),
    (
        "items",
        "The cart's items, one per line (“2 × Blue shirt — €19.99”), at most 5 then “…and N more”",
    ),
    (
        "item1_name",
        "The first item's name (empty when there is none)",
    ),
    ("item1_qty", "The first item's quantity"),
    (
        "item1_price",
        "The first item's unit price with its currency",
    ),
    (
        "item2_name",
        "The second item's name (empty when there is none)",
    ),
    ("item2_qty", "The second item's quantity"),
    (
        "item2_price",
        "The second item's unit price with its currency",
    ),
    (
        "item3_name",
        "The third item's name (empty when there is none)",
    ),
    ("item3_qty", "The third item's quantity"),
    (
        "item3_price",
        "The third item's unit price with its currency",
    ),
];

/// The template a new installation starts with: (name, subject, body).
pub const DEFAULT_ABANDONED: (&str, &str, &str) = (
    "Your cart is waiting",
    "{{first_name}}, your cart at {{store_name}} is waiting",
    "Hi {{first_name}},

You left these in your cart at {{store_name}}:

{{items}}

Total: {{cart_total}}

They are still waiting for you. If anything held you back, a question about a product, \
shipping or payment, just reply to this email and we will be glad to help.

Best regards,
The {{store_name}} team
",
);

/// Lines {{items}} lists before summing up the rest: an email, not an invoice.
const ITEMS_SHOWN: usize = 5;
/// What {{first_name}} and {{name}} say when the cart has no name (a guest cart).
const NO_NAME: &str = "Customer";

const NAME_MAX: usize = 120;
const SUBJECT_MAX: usize = 200;
const BODY_MAX: usize = 20_000;

/// A template as the editor submits it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateInput {
    pub name: String,
    pub subject: String,
    pub body: String,
}

impl TemplateInput {
    /// Lengths, a one-line subject, and known, closed placeholders; errors name the field.
    pub fn check(&self) -> Result<(), AppError> {
        let name = self.name.trim();
        if name.is_empty() {
            return Err(AppError::invalid("name", "Give the template a name."));
        }
        if name.chars().count() > NAME_MAX {
            return Err(AppError::invalid(
                "name",
                "A template name has at most 120 characters.",
            ));
        }
        if self.subject.trim().is_empty() {
            return Err(AppError::invalid("subject", "Write a subject."));
        }
        if self.subject.chars().count() > SUBJECT_MAX {
            return Err(AppError::invalid(
                "subject",
                "A subject has at most 200 characters.",
            ));
        }
        if self.subject.contains(['\r', '\n']) {
            return Err(AppError::invalid(
                "subject",
                "A subject is a single line: remove the line break.",
            ));
        }
        if self.body.trim().is_empty() {
            return Err(AppError::invalid("body", "Write the message."));
        }
        if self.body.chars().count() > BODY_MAX {
            return Err(AppError::invalid(
                "body",
                "A message has at most 20,000 characters.",
            ));
        }
        parse(&self.subject, "subject")?;
        parse(&self.body, "body")?;
        Ok(())
    }
}

/// One line of a cart, as the template sees it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContextItem {
    pub name: String,
    pub qty: Decimal,
    /// The unit price in the cart's currency, when Magento gave one.
    pub price: Option<Decimal>,
}

/// What the placeholders are filled from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartContext {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    /// The Magento quote id.
    pub quote_id: i64,
    /// ISO 4217 code, e.g. "EUR".
    pub currency: Option<String>,
    pub grand_total: Option<Decimal>,
    pub store_name: String,
    pub items: Vec<ContextItem>,
}

/// Fills `subject` and `body` from `ctx`: (subject, body). Values go in verbatim (plain text, no
/// escaping), except that the subject never contains a line break, which would let a value
/// (a customer's name, say) start a new mail header.
pub fn render(subject: &str, body: &str, ctx: &CartContext) -> Result<(String, String), AppError> {
    let subject_parts = parse(subject, "subject")?;
    let body_parts = parse(body, "body")?;
    let subject = one_line(&fill(&subject_parts, ctx));
    Ok((subject, fill(&body_parts, ctx)))
}

/// A piece of a template.
#[derive(Debug, PartialEq)]
enum Part<'a> {
    Text(&'a str),
    /// A known placeholder's name.
    Placeholder(&'a str),
}

fn is_known(name: &str) -> bool {
    PLACEHOLDERS.iter().any(|(known, _)| *known == name)
}

fn known_list() -> String {
    let names: Vec<String> = PLACEHOLDERS
        .iter()
        .map(|(name, _)| format!("{{{{{name}}}}}"))
        .collect();
    names.join(", ")
}

/// Splits a template into text and placeholders; an unknown or unclosed placeholder is an
/// error on `field`.
fn parse<'a>(template: &'a str, field: &str) -> Result<Vec<Part<'a>>, AppError> {
    let mut parts = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find("{{") {
        if open > 0 {
            parts.push(Part::Text(&rest[..open]));
        }
        let after = &rest[open + 2..];
        let line = after.split(['\r', '\n']).next().unwrap_or("");
        let Some(close) = line.find("}}") else {
            let shown: String = rest[open..].chars().take(30).collect();
            let shown = one_line(&shown);
            return Err(AppError::invalid(
                field,
                format!("A placeholder is not closed: “{shown}” needs }}}} on the same line."),
            ));
        };
        let name = after[..close].trim();
        if !is_known(name) {
            // Quoted whole unless it is clearly not meant as a name (a paragraph in braces).
            let mut shown: String = name.chars().take(40).collect();
            if shown.len() < name.len() {
                shown.push('…');
            }
            return Err(AppError::invalid(
                field,
                format!(
                    "Unknown placeholder {{{{{shown}}}}}. Known: {}.",
                    known_list()
                ),
            ));
        }
        parts.push(Part::Placeholder(name));
        rest = &after[close + 2..];
    }
    if !rest.is_empty() {
        parts.push(Part::Text(rest));
    }
    Ok(parts)
}

fn fill(parts: &[Part<'_>], ctx: &CartContext) -> String {
    let mut out = String::new();
    for part in parts {
        match part {
            Part::Text(text) => out.push_str(text),
            Part::Placeholder(name) => out.push_str(&value(name, ctx)),
        }
    }
    out
}

/// Line breaks (any run of CR and LF) become one space.
fn one_line(text: &str) -> String {
    let pieces: Vec<&str> = text.split(['\r', '\n']).filter(|p| !p.is_empty()).collect();
    pieces.join(" ")
}

fn present(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

fn price(amount: Option<Decimal>, ctx: &CartContext) -> String {
    amount
        .map(|amount| money(amount, ctx.currency.as_deref().unwrap_or("")))
        .unwrap_or_default()
}

/// `2 × Blue shirt — €19.99` (without the price when unknown); one line whatever the name.
fn item_line(item: &ContextItem, ctx: &CartContext) -> String {
    let mut line = format!("{} × {}", format_qty(item.qty), one_line(item.name.trim()));
    if item.price.is_some() {
        line.push_str(" — ");
        line.push_str(&price(item.price, ctx));
    }
    line
}

/// A placeholder's value; only called with known names.
fn value(name: &str, ctx: &CartContext) -> String {
    let first = present(&ctx.first_name);
    let last = present(&ctx.last_name);
    match name {
        "first_name" => first.unwrap_or(NO_NAME).to_owned(),
        "last_name" => last.unwrap_or("").to_owned(),
        "name" => match (first, last) {
            (Some(first), Some(last)) => format!("{first} {last}"),
            (Some(one), None) | (None, Some(one)) => one.to_owned(),
            (None, None) => NO_NAME.to_owned(),
        },
        "email" => present(&ctx.email).unwrap_or("").to_owned(),
        "cart_id" => ctx.quote_id.to_string(),
        "cart_total" => price(ctx.grand_total, ctx),
        "store_name" => ctx.store_name.clone(),
        "items" => {
            let mut lines: Vec<String> = ctx
                .items
                .iter()
                .take(ITEMS_SHOWN)
                .map(|item| item_line(item, ctx))
                .collect();
            if ctx.items.len() > ITEMS_SHOWN {
                lines.push(format!("…and {} more", ctx.items.len() - ITEMS_SHOWN));
            }
            lines.join("\n")
        }
        _ => {
            // item{1,2,3}_{name,qty,price}
            let Some((index, field)) = name
                .strip_prefix("item")
                .and_then(|rest| rest.split_once('_'))
                .and_then(|(n, field)| Some((n.parse::<usize>().ok()?, field)))
            else {
                return String::new();
            };
            let Some(item) = index.checked_sub(1).and_then(|i| ctx.items.get(i)) else {
                return String::new();
            };
            match field {
                "name" => one_line(item.name.trim()),
                "qty" => format_qty(item.qty),
                "price" => price(item.price, ctx),
                _ => String::new(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn dec(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    fn item(name: &str, qty: &str, price: Option<&str>) -> ContextItem {
        ContextItem {
            name: name.into(),
            qty: dec(qty),
            price: price.map(dec),
        }
    }

    fn cart(items: Vec<ContextItem>) -> CartContext {
        CartContext {
            first_name: Some("Anna".into()),
            last_name: Some("Müller".into()),
            email: Some("anna@example.com".into()),
            quote_id: 4711,
            currency: Some("EUR".into()),
            grand_total: Some(dec("123.4")),
            store_name: "Blue Shop".into(),
            items,
        }
    }

    fn input(name: &str, subject: &str, body: &str) -> TemplateInput {
        TemplateInput {
            name: name.into(),
            subject: subject.into(),
            body: body.into(),
        }
    }

    fn invalid(result: Result<(), AppError>) -> (String, String) {
        match result {
            Err(AppError::Invalid { field, message }) => (field, message),
            other => panic!("expected a field error, got {other:?}"),
        }
    }

    #[test]
    fn the_default_template_is_valid() {
        let (name, subject, body) = DEFAULT_ABANDONED;
        input(name, subject, body).check().unwrap();
        let (subject, body) = render(subject, body, &cart(vec![])).unwrap();
        assert_eq!(subject, "Anna, your cart at Blue Shop is waiting");
        assert!(body.contains("Total: €123.40"), "{body}");
    }

    #[test]
    fn checks_name_the_field() {
        let long = |n: usize| "x".repeat(n);
        let table: &[(TemplateInput, &str, &str)] = &[
            (input(" ", "S", "B"), "name", "name"),
            (input(&long(121), "S", "B"), "name", "120"),
            (input("N", "", "B"), "subject", "subject"),
            (input("N", &long(201), "B"), "subject", "200"),
            (input("N", "Hi\r\nBcc: x@y.z", "B"), "subject", "line"),
            (input("N", "S", " \n "), "body", "message"),
            (input("N", "S", &long(20_001)), "body", "20,000"),
            (
                input("N", "Hi {{frist_name}}", "B"),
                "subject",
                "Unknown placeholder {{frist_name}}. Known: {{first_name}}, {{last_name}}",
            ),
            (
                input("N", "S", "Hi {{ first_name }}, {{foo}}"),
                "body",
                "Unknown placeholder {{foo}}.",
            ),
            (
                input("N", "S", "Hi {{}}"),
                "body",
                "Unknown placeholder {{}}.",
            ),
            (
                input("N", "Hi {{first_name", "B"),
                "subject",
                "not closed: “{{first_name” needs }} on the same line.",
            ),
            (input("N", "S", "Hi {{first_name\n}}"), "body", "not closed"),
            (input("N", "S", "{{items}} and {{"), "body", "not closed"),
        ];
        for (template, field, text) in table {
            let (got_field, message) = invalid(template.check());
            assert_eq!(&got_field, field, "{template:?}: {message}");
            assert!(message.contains(text), "{template:?}: {message}");
        }
        // At the limits exactly, and with text the parser must leave alone.
        input(&long(120), &long(200), &long(20_000))
            .check()
            .unwrap();
        input("N", "50% off }} {", "a } b }} c {single}")
            .check()
            .unwrap();
        input("N", "ü".repeat(200).as_str(), "B").check().unwrap();
    }

    #[test]
    fn renders_with_zero_one_and_seven_items() {
        let body = "{{items}}|{{item1_name}}|{{item1_qty}}|{{item1_price}}|{{item3_name}}";
        let none = render("S", body, &cart(vec![])).unwrap().1;
        assert_eq!(none, "||||");

        let one = render(
            "S",
            body,
            &cart(vec![item("Blue shirt", "2.0000", Some("19.9"))]),
        )
        .unwrap()
        .1;
        assert_eq!(one, "2 × Blue shirt — €19.90|Blue shirt|2|€19.90|");

        let seven: Vec<ContextItem> = (1..=7)
            .map(|n| item(&format!("Item {n}"), "1", Some("5")))
            .collect();
        let (_, items) = render("S", "{{items}}", &cart(seven)).unwrap();
        let lines: Vec<&str> = items.lines().collect();
        assert_eq!(lines.len(), 6, "{items}");
        assert_eq!(lines[0], "1 × Item 1 — €5.00");
        assert_eq!(lines[4], "1 × Item 5 — €5.00");
        assert_eq!(lines[5], "…and 2 more");
    }

    #[test]
    fn formats_numbers_and_fills_every_placeholder() {
        let mut ctx = cart(vec![
            item("Blue shirt", "2.0000", Some("19.9")),
            item("Socks\nlong", "1.5", None),
        ]);
        ctx.currency = Some("CHF".into());
        ctx.grand_total = Some(dec("1234.5"));
        let table: &[(&str, &str)] = &[
            ("{{first_name}}", "Anna"),
            ("{{last_name}}", "Müller"),
            ("{{name}}", "Anna Müller"),
            ("{{email}}", "anna@example.com"),
            ("{{cart_id}}", "4711"),
            ("{{cart_total}}", "1,234.50 CHF"),
            ("{{store_name}}", "Blue Shop"),
            ("{{item1_qty}} {{item1_price}}", "2 19.90 CHF"),
            (
                "{{item2_name}}|{{item2_qty}}|{{item2_price}}",
                "Socks long|1.5|",
            ),
            ("{{items}}", "2 × Blue shirt — 19.90 CHF\n1.5 × Socks long"),
        ];
        for (template, expected) in table {
            let (_, body) = render("S", template, &ctx).unwrap();
            assert_eq!(&body, expected, "{template}");
        }
    }

    #[test]
    fn missing_names_fall_back() {
        let mut ctx = cart(vec![]);
        ctx.first_name = None;
        ctx.last_name = Some("  ".into());
        ctx.email = None;
        ctx.currency = None;
        ctx.grand_total = None;
        let (subject, body) = render(
            "{{first_name}}",
            "{{name}}|{{last_name}}|{{email}}|{{cart_total}}",
            &ctx,
        )
        .unwrap();
        assert_eq!(subject, "Customer");
        assert_eq!(body, "Customer|||");
        ctx.last_name = Some("Müller".into());
        assert_eq!(render("S", "{{name}}", &ctx).unwrap().1, "Müller");
        ctx.grand_total = Some(dec("9.5"));
        assert_eq!(render("S", "{{cart_total}}", &ctx).unwrap().1, "9.50");
    }

    #[test]
    fn the_subject_never_gets_a_line_break() {
        let mut ctx = cart(vec![item("A", "1", None), item("B", "1", None)]);
        ctx.first_name = Some("Anna\r\nBcc: victim@example.com".into());
        ctx.store_name = "Shop\n\rX-Spam: yes".into();
        let (subject, body) = render(
            "{{first_name}} at {{store_name}}: {{items}}",
            "{{first_name}}",
            &ctx,
        )
        .unwrap();
        assert_eq!(
            subject,
            "Anna Bcc: victim@example.com at Shop X-Spam: yes: 1 × A 1 × B"
        );
        assert!(!subject.contains(['\r', '\n']));
        // The body is plain text: values go in as they are.
        assert_eq!(body, "Anna\r\nBcc: victim@example.com");
    }

    #[test]
    fn render_rejects_what_check_rejects() {
        let error = render("{{nope}}", "B", &cart(vec![])).unwrap_err();
        assert!(matches!(error, AppError::Invalid { ref field, .. } if field == "subject"));
        let error = render("S", "{{items", &cart(vec![])).unwrap_err();
        assert!(matches!(error, AppError::Invalid { ref field, .. } if field == "body"));
    }

    #[test]
    fn every_placeholder_renders() {
        let ctx = cart(vec![item("A", "1", Some("1"))]);
        for (name, help) in PLACEHOLDERS {
            assert!(!help.is_empty());
            let template = format!("{{{{{name}}}}}");
            let (_, body) = render("S", &template, &ctx).unwrap();
            assert!(!body.contains("{{"), "{name}: {body}");
        }
        // The item placeholders past the first are empty for a one-item cart.
        assert_eq!(
            render("S", "{{item2_name}}{{item3_price}}", &ctx)
                .unwrap()
                .1,
            ""
        );
    }

    #[test]
    fn contexts_survive_serde() {
        let ctx = cart(vec![item("Blue shirt", "2.0000", Some("19.9"))]);
        let json = serde_json::to_string(&ctx).unwrap();
        assert_eq!(serde_json::from_str::<CartContext>(&json).unwrap(), ctx);
    }
}
