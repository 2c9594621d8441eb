//! Customers, their addresses, guests and newsletter subscribers.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{Duration, NaiveDate};
use rand::Rng;

use super::names::{self, Culture, HOSTILE};
use super::{Rng8, Window, chance, pick, pick_copy, stream, weighted};
use crate::clock::Ts;
use crate::model::{
    Customer, CustomerAddress, Postal, RegionRef, Subscriber, SubscriberStatus, Text, text,
};

const TITLES: &[&str] = &["Mr.", "Ms.", "Dr."];

/// A made-up shopper: names, the culture they come from and their e-mail parts.
pub(crate) struct Person {
    pub culture: &'static Culture,
    pub first: Text,
    pub last: Text,
    pub first_ascii: &'static str,
    pub last_ascii: &'static str,
}

/// Draws people and addresses, sharing one `Arc` per distinct static string.
#[derive(Default)]
pub(crate) struct PersonGen {
    interned: HashMap<&'static str, Text>,
}

impl PersonGen {
    pub fn intern(&mut self, s: &'static str) -> Text {
        self.interned.entry(s).or_insert_with(|| text(s)).clone()
    }

    pub fn person(&mut self, rng: &mut Rng8, website_id: u16) -> Person {
        let culture: &'static Culture = if chance(rng, 0.03) {
            &HOSTILE
        } else {
            pick_copy(rng, names::cultures_of_website(website_id))
        };
        let (first, first_ascii) = *pick(rng, culture.first);
        let (last, last_ascii) = *pick(rng, culture.last);
        Person {
            culture,
            first: self.intern(first),
            last: self.intern(last),
            first_ascii,
            last_ascii,
        }
    }

    /// An address in one of the person's culture's places.
    pub fn postal(&mut self, rng: &mut Rng8, person: &Person) -> Postal {
        let place = pick(rng, person.culture.places);
        let street_name = *pick(rng, person.culture.streets);
        let number = rng.gen_range(1..400);
        let street = if person.culture.number_first {
            format!("{number} {street_name}")
        } else {
            format!("{street_name} {number}")
        };
        let mut lines = vec![text(&street)];
        if chance(rng, 0.15) {
            lines.push(text(&format!("Apt {}", rng.gen_range(1..90))));
        }
        let region = match (place.region_id, place.region_text) {
            (0, "") => RegionRef::None,
            (0, free) => RegionRef::Free(self.intern(free)),
            (id, _) => RegionRef::Known(id),
        };
        Postal {
            firstname: person.first.clone(),
            lastname: person.last.clone(),
            company: chance(rng, 0.1).then(|| self.intern("ACME Corp.")),
            street: lines,
            city: self.intern(place.city),
            postcode: self.intern(place.postcode),
            telephone: text(&format!(
                "+{} {:03} {:04}",
                rng.gen_range(1..99),
                rng.gen_range(100..999),
                rng.gen_range(0..9999)
            )),
            country_id: self.intern(place.country),
            region,
            vat_id: None,
        }
    }

    /// A guest's e-mail: not unique, often in mixed case as typed at checkout.
    pub fn guest_email(&mut self, rng: &mut Rng8, person: &Person) -> Text {
        let n = rng.gen_range(1..100_000);
        let domain = person.culture.mail_domain;
        let email = format!("{}.{}{n}@{domain}", person.first_ascii, person.last_ascii);
        text(&if chance(rng, 0.4) {
            mixed_case(&email)
        } else {
            email
        })
    }
}

/// `john.smith@example.com` -> `John.Smith@Example.com`: what shoppers type.
pub(crate) fn mixed_case(email: &str) -> String {
    let mut out = String::with_capacity(email.len());
    let mut upper_next = true;
    for c in email.chars() {
        if upper_next {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        upper_next = matches!(c, '.' | '@');
    }
    out
}

/// A random address for a person of a website (live mode and checkout helpers).
pub(crate) fn random_postal(people_gen: &mut PersonGen, rng: &mut Rng8, website_id: u16) -> Postal {
    let person = people_gen.person(rng, website_id);
    people_gen.postal(rng, &person)
}

/// What the subscriber phase needs to know about a customer's newsletter history.
pub(crate) struct SubscriberPlan {
    pub customer_index: usize,
    pub status: SubscriberStatus,
    pub at: Ts,
}

pub(crate) struct People {
    pub customers: Vec<Customer>,
    pub subscriber_plans: Vec<SubscriberPlan>,
}

pub(crate) fn generate(seed: u64, scale: usize, window: Window) -> People {
    let mut rng = stream(seed, 1);
    let mut people_gen = PersonGen::default();
    let n = (scale * 3).div_ceil(10).max(1);
    let mut times = window.sorted_times(&mut rng, n, 0.15);
    // A migration imported the first 5% of accounts in one second.
    let imported = n / 20;
    if imported > 1 {
        let at = times[imported - 1];
        times[..imported].iter_mut().for_each(|t| *t = at);
    }
    let mass = window.mass_update_seconds(&mut rng);
    let mut customers = Vec::with_capacity(n);
    let mut plans = Vec::new();
    let mut next_address = 1u32;
    for (i, created_at) in times.into_iter().enumerate() {
        let id = i as u32 + 1;
        let website_id = [1u16, 2, 3][weighted(&mut rng, &[70, 20, 10])];
        let store_id = *pick(&mut rng, names::store_views_of_website(website_id));
        let person = people_gen.person(&mut rng, website_id);
        let updated_at = match weighted(&mut rng, &[60, 32, 8]) {
            0 => created_at,
            1 => window.after(&mut rng, created_at),
            _ => *pick(&mut rng, &mass).max(&created_at),
        };
        let mut addresses = Vec::new();
        for _ in 0..weighted(&mut rng, &[10, 60, 20, 10]) {
            let mut postal = people_gen.postal(&mut rng, &person);
            if website_id == 2 && chance(&mut rng, 0.1) {
                postal.vat_id = Some(text(&format!("DE{:09}", rng.gen_range(0..999_999_999))));
            }
            addresses.push(CustomerAddress {
                id: next_address,
                postal: Arc::new(postal),
            });
            next_address += 1;
        }
        let default_billing = addresses.first().map(|a| a.id);
        let default_shipping = match addresses.len() {
            0 => None,
            1 => default_billing,
            _ if chance(&mut rng, 0.5) => Some(addresses[1].id),
            _ => default_billing,
        };
        let email = format!(
            "{}.{}.{id}@{}",
            person.first_ascii, person.last_ascii, person.culture.mail_domain
        );
        customers.push(Customer {
            id,
            website_id,
            store_id,
            group_id: [1u16, 2, 3][weighted(&mut rng, &[80, 10, 10])],
            created_at,
            updated_at,
            email: text(&email),
            firstname: person.first.clone(),
            lastname: person.last.clone(),
            middlename: chance(&mut rng, 0.1).then(|| people_gen.intern("M.")),
            prefix: chance(&mut rng, 0.1).then(|| people_gen.intern(pick_copy(&mut rng, TITLES))),
            suffix: chance(&mut rng, 0.02).then(|| people_gen.intern("Jr.")),
            dob: chance(&mut rng, 0.6).then(|| random_dob(&mut rng)),
            gender: [None, Some(1), Some(2), Some(3)]
                .get(weighted(&mut rng, &[30, 30, 30, 10]))
                .copied()
                .flatten(),
            taxvat: (website_id == 2 && chance(&mut rng, 0.1))
                .then(|| text(&format!("FR{:011}", rng.gen_range(0..99_999_999_999u64)))),
            confirmation: chance(&mut rng, 0.05)
                .then(|| text(&format!("{:032x}", rng.r#gen::<u128>()))),
            default_billing,
            default_shipping,
            addresses,
            disable_auto_group_change: chance(&mut rng, 0.05),
        });
        if chance(&mut rng, 0.35) {
            let status = [
                SubscriberStatus::Subscribed,
                SubscriberStatus::Unsubscribed,
                SubscriberStatus::NotActivated,
                SubscriberStatus::Unconfirmed,
            ][weighted(&mut rng, &[70, 20, 5, 5])];
            plans.push(SubscriberPlan {
                customer_index: i,
                status,
                at: window.after(&mut rng, created_at),
            });
        }
    }
    People {
        customers,
        subscriber_plans: plans,
    }
}

fn random_dob(rng: &mut Rng8) -> NaiveDate {
    let base = NaiveDate::from_ymd_opt(1940, 1, 1).unwrap_or_default();
    base + Duration::days(rng.gen_range(0..(365 * 65)))
}

/// Subscriber rows: the planned customer subscriptions plus guests (`customer_id` 0), in
/// the order they subscribed.
pub(crate) fn subscribers(
    seed: u64,
    scale: usize,
    window: Window,
    customers: &[Customer],
    plans: &[SubscriberPlan],
) -> Vec<Subscriber> {
    let mut rng = stream(seed, 4);
    let mut people_gen = PersonGen::default();
    let mut rows: Vec<(Ts, Subscriber)> = plans
        .iter()
        .map(|p| {
            let c = &customers[p.customer_index];
            (
                p.at,
                subscriber(&mut rng, c.store_id, c.id, c.email.clone(), p.status, p.at),
            )
        })
        .collect();
    for _ in 0..(scale / 20).max(1) {
        let website_id = [1u16, 2, 3][weighted(&mut rng, &[70, 20, 10])];
        let person = people_gen.person(&mut rng, website_id);
        let email = people_gen.guest_email(&mut rng, &person);
        let at = window.after(&mut rng, window.start);
        let status = [
            SubscriberStatus::Subscribed,
            SubscriberStatus::Unsubscribed,
            SubscriberStatus::NotActivated,
            SubscriberStatus::Unconfirmed,
        ][weighted(&mut rng, &[60, 20, 10, 10])];
        let store_id = *pick(&mut rng, names::store_views_of_website(website_id));
        rows.push((at, subscriber(&mut rng, store_id, 0, email, status, at)));
    }
    rows.sort_by_key(|(at, _)| *at);
    rows.into_iter()
        .enumerate()
        .map(|(i, (_, mut s))| {
            s.id = i as u32 + 1;
            s
        })
        .collect()
}

fn subscriber(
    rng: &mut Rng8,
    store_id: u16,
    customer_id: u32,
    email: Text,
    status: SubscriberStatus,
    at: Ts,
) -> Subscriber {
    let needs_code = matches!(
        status,
        SubscriberStatus::NotActivated | SubscriberStatus::Unconfirmed
    );
    Subscriber {
        id: 0,
        store_id,
        customer_id,
        email,
        status,
        // Magento issue 4004: older rows never got a change time.
        change_status_at: (!chance(rng, 0.1)).then_some(at),
        confirm_code: (needs_code || chance(rng, 0.3))
            .then(|| text(&format!("{:032x}", rng.r#gen::<u128>()))),
    }
}
