//! CustomerInterface (with addresses and `is_subscribed`) and newsletter subscriber rows.

use super::address::{region_parts, write_street};
use super::{Malform, RenderCtx, write_created_at, write_id};
use crate::json::JsonWriter;
use crate::model::{Catalog, Customer, CustomerAddress, Subscriber};

pub fn write_customer<C: RenderCtx + ?Sized>(
    w: &mut JsonWriter<'_>,
    ctx: &C,
    c: &Customer,
    malform: Option<Malform>,
) {
    let catalog = ctx.catalog();
    w.begin_object();
    write_id(w, "id", c.id, malform);
    w.f_int("group_id", c.group_id as i64);
    if let Some(id) = c.default_billing {
        w.f_id_str("default_billing", id);
    }
    if let Some(id) = c.default_shipping {
        w.f_id_str("default_shipping", id);
    }
    w.f_opt_str("confirmation", c.confirmation.as_deref());
    write_created_at(w, c.created_at, malform);
    w.f_ts("updated_at", c.updated_at);
    let created_in = catalog
        .store_view(c.store_id)
        .map(|s| &*s.name)
        .unwrap_or("Admin");
    w.f_str("created_in", created_in);
    if let Some(dob) = c.dob {
        w.f_str("dob", &dob.format("%Y-%m-%d").to_string());
    }
    w.f_str("email", &c.email);
    w.f_str("firstname", &c.firstname);
    w.f_str("lastname", &c.lastname);
    w.f_opt_str("middlename", c.middlename.as_deref());
    w.f_opt_str("prefix", c.prefix.as_deref());
    w.f_opt_str("suffix", c.suffix.as_deref());
    w.f_opt_int("gender", c.gender.map(i64::from));
    w.f_int("store_id", c.store_id as i64);
    w.f_opt_str("taxvat", c.taxvat.as_deref());
    w.f_int("website_id", c.website_id as i64);
    w.key("addresses");
    w.begin_array();
    for a in &c.addresses {
        write_customer_address(w, catalog, c, a);
    }
    w.end_array();
    w.f_int(
        "disable_auto_group_change",
        c.disable_auto_group_change as i64,
    );
    w.key("extension_attributes");
    w.begin_object();
    w.f_bool("is_subscribed", ctx.is_subscribed(c.id));
    w.end_object();
    w.end_object();
}

pub fn write_customer_address(
    w: &mut JsonWriter<'_>,
    catalog: &Catalog,
    c: &Customer,
    a: &CustomerAddress,
) {
    let p = &a.postal;
    let (name, code, region_id) = region_parts(catalog, p);
    w.begin_object();
    w.f_int("id", a.id as i64);
    w.f_int("customer_id", c.id as i64);
    w.key("region");
    w.begin_object();
    w.f_req_str("region_code", code);
    w.f_req_str("region", name);
    w.f_int("region_id", region_id as i64);
    w.end_object();
    w.f_int("region_id", region_id as i64);
    w.f_str("country_id", &p.country_id);
    write_street(w, p);
    w.f_opt_str("company", p.company.as_deref());
    w.f_str("telephone", &p.telephone);
    w.f_str("postcode", &p.postcode);
    w.f_str("city", &p.city);
    w.f_str("firstname", &p.firstname);
    w.f_str("lastname", &p.lastname);
    w.f_opt_str("vat_id", p.vat_id.as_deref());
    if c.default_shipping == Some(a.id) {
        w.f_bool("default_shipping", true);
    }
    if c.default_billing == Some(a.id) {
        w.f_bool("default_billing", true);
    }
    w.end_object();
}

/// A `newsletter_subscriber` row (Cartwise companion route).
pub fn write_subscriber(w: &mut JsonWriter<'_>, s: &Subscriber, malform: Option<Malform>) {
    w.begin_object();
    write_id(w, "subscriber_id", s.id, malform);
    w.f_int("store_id", s.store_id as i64);
    w.f_int("customer_id", s.customer_id as i64);
    w.f_str("subscriber_email", &s.email);
    w.f_int("subscriber_status", s.status.code());
    match malform {
        Some(Malform::Date) | Some(Malform::Money) => w.f_str("change_status_at", "not a date"),
        _ => w.f_opt_ts("change_status_at", s.change_status_at),
    }
    w.f_opt_str("subscriber_confirm_code", s.confirm_code.as_deref());
    w.end_object();
}
