//! Two-way customers over real HTTP against the demo store (Magento 2.4.1+'s partial saves, and
//! the whole-customer saves of 2.4.0 and older) and a real Postgres: edits reach the store,
//! the address book is sent whole with its ids only when it changes, conflicts follow the
//! channel's rules and are written on the action, the store's refusals keep Magento's words,
//! subscriptions follow Magento's transitions, and live store-side changes racing the edits
//! lose nothing.

mod common;

use common::*;
use demo_store::{CustomerConfig, DemoStoreHandle};
use domain::SyncPriority;
use domain::actions::{
    ActionCommand, ActionResult, ActionState, ActionView, AddressInput, NewCustomer,
};
use domain::customer_edit::{
    AddressChange, AddressRef, CustomerEdit, CustomerField, DefaultChange, FieldChange,
};
use domain::sync::JobStatus;
use serde_json::Value;
use std::sync::Arc;
use store::PgPool;
use store::grid::Tz;
use store::store_actions::{NewAction, Targets};
use sync::outbound::Actions;

struct Shop {
    store: DemoStoreHandle,
    pool: PgPool,
    channel: i64,
    actions: Arc<Actions>,
}

impl Shop {
    async fn open(pool: PgPool) -> Shop {
        let store = spawn_store(small_store(200)).await;
        let channel = add_channel(&pool, &store.base_url(), 100).await;
        let outcome = sync(&pool, channel).await;
        assert_eq!(outcome.status, JobStatus::Succeeded, "{:?}", outcome.error);
        sqlx::query("update channels set two_way = true where id = $1")
            .bind(channel)
            .execute(&pool)
            .await
            .unwrap();
        let actions = Actions::new(pool.clone(), cipher(), fast_client());
        Shop {
            store,
            pool,
            channel,
            actions,
        }
    }

    async fn run(&self, command: ActionCommand) -> ActionView {
        command.validate().expect("a valid command");
        let (id, _) = self
            .actions
            .submit(NewAction {
                channel_id: self.channel,
                command: &command,
                targets: Targets::default(),
                requested_by: None,
            })
            .await
            .unwrap();
        store::store_actions::get(&self.pool, id, Tz::UTC)
            .await
            .unwrap()
    }

    /// The CRM customer form of a Magento customer (the merge's base, as the page shows it).
    async fn form(&self, magento: i64) -> domain::customer_edit::CustomerForm {
        let crm = store::checkout::customer_by_magento_id(&self.pool, self.channel, magento)
            .await
            .unwrap()
            .expect("synced");
        store::customer_edit::form(&self.pool, crm.id)
            .await
            .unwrap()
    }

    /// An edit of `field` from what the CRM shows to `to`.
    async fn change(&self, magento: i64, field: CustomerField, to: &str) -> CustomerEdit {
        let form = self.form(magento).await;
        CustomerEdit {
            fields: vec![FieldChange {
                field,
                from: form.value(field).map(str::to_owned),
                to: Some(to.to_owned()).filter(|t| !t.is_empty()),
            }],
            ..CustomerEdit::default()
        }
    }

    async fn update(&self, magento: i64, edit: CustomerEdit) -> ActionView {
        self.run(ActionCommand::CustomerUpdate {
            customer: magento,
            edit,
            force: false,
        })
        .await
    }

    /// Customers with at least one address, by Magento id.
    fn with_address(&self, skip: usize) -> i64 {
        let state = self.store.state();
        let s = state.read();
        s.customers
            .iter()
            .filter(|c| !c.addresses.is_empty() && c.website_id == 1)
            .nth(skip)
            .map(|c| c.id as i64)
            .expect("a customer with an address")
    }

    fn in_store(&self, magento: i64) -> demo_store::Customer {
        self.store
            .state()
            .read()
            .customers
            .get(magento as u32)
            .cloned()
            .expect("in the store")
    }
}

fn body(a: &ActionView) -> Value {
    serde_json::from_str(a.request.as_deref().expect("a request")).unwrap()
}

fn conflicts(a: &ActionView) -> Vec<domain::customer_edit::Conflict> {
    match &a.result {
        Some(ActionResult::CustomerSaved { conflicts, .. }) => conflicts.clone(),
        other => panic!("{other:?} {}", a.summary()),
    }
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn edits_reach_the_store_merged_and_the_crm_follows_without_echo(pool: PgPool) {
    let shop = Shop::open(pool).await;
    let id = shop.with_address(0);
    let before = shop.in_store(id);

    // A name, a telephone of a saved address, and a new address made the default shipping one.
    let form = shop.form(id).await;
    let saved = form.addresses[0].clone();
    let mut phone = saved.values.clone();
    phone.telephone = "+1 555 0100".into();
    let mut new_address = saved.values.clone();
    new_address.city = "Ogdenville".into();
    new_address.street = vec!["9 Elm St".into()];
    let mut edit = shop.change(id, CustomerField::Lastname, "Newname").await;
    edit.addresses = vec![
        AddressChange::Edit {
            magento_id: saved.magento_id,
            from: Box::new(saved.values.clone()),
            to: Box::new(phone),
        },
        AddressChange::Add(Box::new(new_address)),
    ];
    edit.default_shipping = Some(DefaultChange {
        from: form
            .addresses
            .iter()
            .find(|a| a.default_shipping)
            .map(|a| a.magento_id),
        to: AddressRef::New(0),
    });
    let done = shop.update(id, edit).await;
    assert_eq!(done.state, ActionState::Done, "{}", done.summary());
    assert!(conflicts(&done).is_empty());
    let sent = body(&done);
    assert_eq!(
        done.route.as_deref(),
        Some(format!("PUT /V1/customers/{id}").as_str())
    );
    assert!(
        sent["customer"].get("email").is_none(),
        "only what changed: {sent}"
    );
    let book = sent["customer"]["addresses"].as_array().unwrap();
    assert_eq!(
        book.len(),
        before.addresses.len() + 1,
        "the whole book, with ids"
    );
    assert!(book.iter().filter(|a| a.get("id").is_some()).count() == before.addresses.len());

    let after = shop.in_store(id);
    assert_eq!(&*after.lastname, "Newname");
    assert_eq!(after.addresses.len(), before.addresses.len() + 1);
    let edited = after.address(saved.magento_id as u32).expect("kept its id");
    assert_eq!(&*edited.postal.telephone, "+1 555 0100");
    let new_id = after.default_shipping.expect("a default shipping address");
    assert_eq!(&*after.address(new_id).unwrap().postal.city, "Ogdenville");
    // The CRM's copy is the store's now: the next edit's base.
    let form = shop.form(id).await;
    assert_eq!(form.value(CustomerField::Lastname), Some("Newname"));
    assert_eq!(form.addresses.len(), after.addresses.len());

    // No echo: the next sync brings nothing the CRM takes for a store-side edit, and an edit
    // from the refreshed form meets no conflict.
    assert_eq!(
        sync(&shop.pool, shop.channel).await.status,
        JobStatus::Succeeded
    );
    let group = shop.change(id, CustomerField::GroupId, "2").await;
    let done = shop.update(id, group).await;
    assert_eq!(done.state, ActionState::Done, "{}", done.summary());
    assert!(conflicts(&done).is_empty());
    assert!(
        body(&done)["customer"].get("addresses").is_none(),
        "the book untouched is not sent"
    );
    assert_eq!(shop.in_store(id).group_id, 2);
    assert_eq!(shop.in_store(id).addresses.len(), after.addresses.len());

    // Removing an address leaves it out of the list sent: Magento deletes it.
    let form = shop.form(id).await;
    let gone = form.addresses.last().unwrap().clone();
    let done = shop
        .update(
            id,
            CustomerEdit {
                addresses: vec![AddressChange::Remove {
                    magento_id: gone.magento_id,
                    from: Box::new(gone.values.clone()),
                }],
                ..CustomerEdit::default()
            },
        )
        .await;
    assert_eq!(done.state, ActionState::Done, "{}", done.summary());
    assert!(shop.in_store(id).address(gone.magento_id as u32).is_none());
    assert_eq!(
        shop.form(id).await.addresses.len(),
        after.addresses.len() - 1
    );
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_conflict_follows_the_priority_and_the_owner_and_can_be_overruled(pool: PgPool) {
    let shop = Shop::open(pool).await;
    let id = shop.with_address(1);
    // The user opens the form; the store changes the tax number meanwhile.
    let edit = shop.change(id, CustomerField::Taxvat, "CRM-1").await;
    shop.store
        .state()
        .write()
        .update_customer(id as u32, |c| c.taxvat = Some(demo_store::text("STORE-1")))
        .unwrap();
    // Remote wins (the default): the store's value stays, the conflict is written.
    let kept = shop.update(id, edit.clone()).await;
    assert_eq!(kept.state, ActionState::Done, "{}", kept.summary());
    let c = conflicts(&kept);
    assert_eq!(c.len(), 1);
    assert_eq!(c[0].kept, SyncPriority::Remote);
    assert_eq!(c[0].store.as_deref(), Some("STORE-1"));
    assert_eq!(c[0].crm.as_deref(), Some("CRM-1"));
    assert!(
        kept.rendered
            .as_deref()
            .unwrap()
            .contains("The store changed tax/VAT number")
    );
    assert_eq!(shop.in_store(id).taxvat.as_deref(), Some("STORE-1"));
    // The CRM shows the store's value (re-read), not the user's.
    assert_eq!(
        shop.form(id).await.value(CustomerField::Taxvat),
        Some("STORE-1")
    );

    // "Send my value anyway".
    let forced = shop
        .run(ActionCommand::CustomerUpdate {
            customer: id,
            edit: edit.clone(),
            force: true,
        })
        .await;
    assert_eq!(forced.state, ActionState::Done, "{}", forced.summary());
    assert_eq!(conflicts(&forced)[0].kept, SyncPriority::Local);
    assert_eq!(shop.in_store(id).taxvat.as_deref(), Some("CRM-1"));

    // Cartwise wins, except for a field the store owns.
    sqlx::query(
        r#"update channels set sync_priority = 'local',
               field_owners = '[{"field": "email", "owner": "remote"}]' where id = $1"#,
    )
    .bind(shop.channel)
    .execute(&shop.pool)
    .await
    .unwrap();
    let mut edit = shop.change(id, CustomerField::Taxvat, "CRM-2").await;
    edit.fields.extend(
        shop.change(id, CustomerField::Email, "crm-owned@example.com")
            .await
            .fields,
    );
    shop.store
        .state()
        .write()
        .update_customer(id as u32, |c| {
            c.taxvat = Some(demo_store::text("STORE-2"));
            c.email = demo_store::text("store-owned@example.com");
        })
        .unwrap();
    let done = shop.update(id, edit).await;
    assert_eq!(done.state, ActionState::Done, "{}", done.summary());
    let after = shop.in_store(id);
    assert_eq!(
        after.taxvat.as_deref(),
        Some("CRM-2"),
        "the priority: Cartwise wins"
    );
    assert_eq!(
        &*after.email, "store-owned@example.com",
        "the owner: the store wins"
    );
    assert_eq!(conflicts(&done).len(), 2);
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn refusals_keep_magentos_words_and_a_deleted_customer_is_marked_removed(pool: PgPool) {
    let shop = Shop::open(pool).await;
    let (a, b) = (shop.with_address(2), shop.with_address(3));
    // An email another customer of the website has.
    let taken = shop.in_store(b).email.to_string();
    let refused = shop
        .update(a, shop.change(a, CustomerField::Email, &taken).await)
        .await;
    assert_eq!(refused.state, ActionState::Failed);
    assert_eq!(refused.http_status, Some(400));
    assert_eq!(
        refused.message.as_deref(),
        Some("A customer with the same email address already exists in an associated website.")
    );
    assert_eq!(refused.field.as_deref(), Some("email"));
    // A country the store does not know, in an added address.
    let form = shop.form(a).await;
    let mut odd = form.addresses[0].values.clone();
    odd.country_id = "XX".into();
    let refused = shop
        .update(
            a,
            CustomerEdit {
                addresses: vec![AddressChange::Add(Box::new(odd))],
                ..CustomerEdit::default()
            },
        )
        .await;
    assert_eq!(refused.state, ActionState::Failed, "{}", refused.summary());
    assert_eq!(
        refused.rendered.as_deref(),
        Some("Invalid value of \"XX\" provided for the countryId field.")
    );
    assert_eq!(refused.field.as_deref(), Some("addresses"));
    assert_eq!(
        shop.in_store(a).addresses.len(),
        form.addresses.len(),
        "nothing saved"
    );
    // A region missing where the country needs one.
    let mut no_region = form.addresses[0].values.clone();
    no_region.country_id = "US".into();
    no_region.region_id = None;
    no_region.region = None;
    let refused = shop
        .update(
            a,
            CustomerEdit {
                addresses: vec![AddressChange::Add(Box::new(no_region))],
                ..CustomerEdit::default()
            },
        )
        .await;
    assert_eq!(refused.state, ActionState::Failed, "{}", refused.summary());
    assert_eq!(
        refused.rendered.as_deref(),
        Some("\"regionId\" is required. Enter and try again.")
    );
    assert_eq!(refused.field.as_deref(), Some("addresses"));
    // A group the store does not have: a 404 about the group, not a deleted customer.
    let refused = shop
        .update(a, shop.change(a, CustomerField::GroupId, "999").await)
        .await;
    assert_eq!(refused.state, ActionState::Failed);
    assert_eq!(
        refused.field.as_deref(),
        Some("group_id"),
        "{}",
        refused.summary()
    );
    assert!(shop.form(a).await.read_only.is_none(), "still editable");
    // A 10 KB name is refused before anything is queued.
    let long = shop
        .change(a, CustomerField::Firstname, &"x".repeat(10_000))
        .await;
    assert!(
        ActionCommand::CustomerUpdate {
            customer: a,
            edit: long,
            force: false
        }
        .validate()
        .is_err()
    );

    // Deleted in the store while the user edits: the edit fails clearly, the CRM marks it.
    let edit = shop.change(b, CustomerField::Lastname, "Late").await;
    shop.store
        .state()
        .write()
        .delete_customer(b as u32)
        .unwrap();
    let refused = shop.update(b, edit).await;
    assert_eq!(refused.state, ActionState::Failed);
    assert!(
        refused.summary().contains("no longer has customer"),
        "{}",
        refused.summary()
    );
    let form = shop.form(b).await;
    assert!(form.read_only.is_some(), "marked removed");
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_store_that_saves_whole_customers_gets_the_whole_merged_customer(pool: PgPool) {
    let shop = Shop::open(pool).await;
    shop.store.set_customer_config(CustomerConfig {
        full_put: true,
        ..CustomerConfig::default()
    });
    let id = shop.with_address(4);
    shop.store
        .state()
        .write()
        .update_customer(id as u32, |c| c.taxvat = Some(demo_store::text("KEEP-ME")))
        .unwrap();
    let before = shop.in_store(id);
    let done = shop
        .update(id, shop.change(id, CustomerField::Lastname, "Whole").await)
        .await;
    assert_eq!(done.state, ActionState::Done, "{}", done.summary());
    assert!(matches!(
        done.result,
        Some(ActionResult::CustomerSaved {
            full_object: true,
            ..
        })
    ));
    let sent = body(&done);
    assert!(
        sent["customer"].get("email").is_some(),
        "the whole customer: {sent}"
    );
    assert!(
        sent["customer"].get("addresses").is_none(),
        "the book left alone"
    );
    let after = shop.in_store(id);
    assert_eq!(&*after.lastname, "Whole");
    // What the store changed meanwhile and the rest of the record survive the whole save.
    assert_eq!(after.taxvat.as_deref(), Some("KEEP-ME"));
    assert_eq!(after.dob, before.dob);
    assert_eq!(after.gender, before.gender);
    assert_eq!(after.addresses.len(), before.addresses.len());
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn subscriptions_follow_magentos_transitions(pool: PgPool) {
    let shop = Shop::open(pool).await;
    let id = {
        let state = shop.store.state();
        let s = state.read();
        s.customers
            .iter()
            .find(|c| s.subscriber_of_customer(c.id).is_none())
            .map(|c| c.id as i64)
            .unwrap()
    };
    let set = |subscribe| ActionCommand::Subscription {
        customer: Some(id),
        subscriber: None,
        subscribe,
    };
    let status = |a: &ActionView| match a.result {
        Some(ActionResult::Subscription { status, sent }) => (status, sent),
        ref other => panic!("{other:?} {}", a.summary()),
    };
    let updated_at = shop.in_store(id).updated_at;
    let on = shop.run(set(true)).await;
    assert_eq!(status(&on), (Some(1), true), "{}", on.summary());
    let sent = body(&on);
    assert_eq!(
        sent["customer"]["extension_attributes"]["is_subscribed"],
        true
    );
    assert!(sent["customer"].get("email").is_none());
    assert_eq!(
        shop.in_store(id).updated_at,
        updated_at,
        "a subscription does not touch the row"
    );
    // Already subscribed: nothing is sent.
    assert_eq!(status(&shop.run(set(true)).await), (Some(1), false));
    let off = shop.run(set(false)).await;
    assert_eq!(status(&off), (Some(3), true), "{}", off.summary());

    // With double opt-in, a subscribe lands on "Not activated", and an unsubscribe has
    // nothing to end (only Subscribed moves to Unsubscribed): nothing is sent.
    shop.store.set_customer_config(CustomerConfig {
        newsletter_confirm: true,
        ..CustomerConfig::default()
    });
    let pending = shop.run(set(true)).await;
    assert!(status(&pending).1);
    assert_eq!(
        shop.store
            .state()
            .read()
            .subscriber_of_customer(id as u32)
            .unwrap()
            .status as i16,
        2
    );
    let off = shop.run(set(false)).await;
    assert_eq!(off.state, ActionState::Done);
    assert!(!status(&off).1, "nothing sent from Not activated");
    assert_eq!(
        shop.store
            .state()
            .read()
            .subscriber_of_customer(id as u32)
            .unwrap()
            .status as i16,
        2
    );

    // A guest subscriber (no account) through the companion module's route.
    let guest = {
        let state = shop.store.state();
        let s = state.read();
        s.subscribers
            .iter()
            .find(|x| x.customer_id == 0 && x.status as i16 == 1)
            .map(|x| x.id as i64)
            .expect("a subscribed guest")
    };
    let off = shop
        .run(ActionCommand::Subscription {
            customer: None,
            subscriber: Some(guest),
            subscribe: false,
        })
        .await;
    assert_eq!(status(&off), (Some(3), true), "{}", off.summary());
    assert_eq!(
        off.route.as_deref(),
        Some(format!("PUT /V1/cartwise/newsletter-subscribers/{guest}").as_str())
    );
    let crm: i16 = sqlx::query_scalar(
        "select status from newsletter_subscribers where channel_id = $1 and magento_id = $2",
    )
    .bind(shop.channel)
    .bind(guest)
    .fetch_one(&shop.pool)
    .await
    .unwrap();
    assert_eq!(crm, 3, "re-read into the CRM");

    // A one-way channel changes nothing.
    sqlx::query("update channels set two_way = false where id = $1")
        .bind(shop.channel)
        .execute(&shop.pool)
        .await
        .unwrap();
    let refused = shop.run(set(false)).await;
    assert_eq!(refused.state, ActionState::Failed);
    assert!(refused.summary().contains("Two-way sync is off"));
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_customer_is_created_and_a_taken_email_is_refused(pool: PgPool) {
    let shop = Shop::open(pool).await;
    let new = |email: &str| NewCustomer {
        website_id: 1,
        store_id: 1,
        group_id: 1,
        email: email.into(),
        firstname: "Nora".into(),
        lastname: "New".into(),
        dob: Some("1990-05-06".into()),
        address: Some(AddressInput {
            firstname: "Nora".into(),
            lastname: "New".into(),
            street: vec!["1 Main St".into()],
            city: "Springfield".into(),
            postcode: "12345".into(),
            country_id: "US".into(),
            region_id: Some(12),
            telephone: "555".into(),
            ..AddressInput::default()
        }),
        subscribe: true,
        ..NewCustomer::default()
    };
    let created = shop
        .run(ActionCommand::CustomerCreate(Box::new(new(
            "nora@example.com",
        ))))
        .await;
    assert_eq!(created.state, ActionState::Done, "{}", created.summary());
    let Some(ActionResult::CustomerCreated {
        magento_id,
        crm_customer_id,
    }) = created.result
    else {
        panic!("{:?}", created.result)
    };
    assert!(crm_customer_id.is_some(), "read back into the CRM");
    let stored = shop.in_store(magento_id);
    assert_eq!(stored.addresses.len(), 1);
    assert_eq!(stored.default_billing, Some(stored.addresses[0].id));
    assert_eq!(shop.form(magento_id).await.subscription, Some(1));
    let again = shop
        .run(ActionCommand::CustomerCreate(Box::new(new(
            "NORA@example.com",
        ))))
        .await;
    assert_eq!(again.state, ActionState::Failed);
    assert_eq!(again.field.as_deref(), Some("email"));
    assert_eq!(
        store::customer_edit::by_email_in_website(&shop.pool, shop.channel, 1, "nora@example.com")
            .await
            .unwrap(),
        crm_customer_id
    );
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn concurrent_edits_and_live_store_changes_lose_nothing(pool: PgPool) {
    let shop = Arc::new(Shop::open(pool).await);
    // The store keeps changing customers (groups, middle names, address phones, subscriptions)
    // while edits go out.
    let stop = tokio_util::sync::CancellationToken::new();
    let live = {
        let state = shop.store.state();
        let stop = stop.clone();
        tokio::spawn(async move {
            while !stop.is_cancelled() {
                state.live_tick(3);
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            }
        })
    };
    // Two users edit the same customer at once (different fields), and 20 others one each.
    let id = shop.with_address(5);
    let (first, second) = (
        shop.change(id, CustomerField::Lastname, "Both").await,
        shop.change(id, CustomerField::Taxvat, "BOTH-1").await,
    );
    let (x, y) = tokio::join!(shop.update(id, first), shop.update(id, second));
    assert_eq!((x.state, y.state), (ActionState::Done, ActionState::Done));
    let mut names = Vec::new();
    for n in 0..20 {
        let who = shop.with_address(10 + n);
        let name = format!("Live{n}");
        let done = shop
            .update(who, shop.change(who, CustomerField::Lastname, &name).await)
            .await;
        assert_eq!(done.state, ActionState::Done, "{}", done.summary());
        names.push((who, name));
    }
    stop.cancel();
    live.await.unwrap();
    let after = shop.in_store(id);
    assert_eq!(
        (&*after.lastname, after.taxvat.as_deref()),
        ("Both", Some("BOTH-1"))
    );
    for (who, name) in &names {
        assert_eq!(
            &*shop.in_store(*who).lastname,
            name.as_str(),
            "customer {who}"
        );
    }
    // And the CRM agrees with the store once synced.
    assert_eq!(
        sync(&shop.pool, shop.channel).await.status,
        JobStatus::Succeeded
    );
    for (who, name) in &names {
        assert_eq!(
            shop.form(*who).await.value(CustomerField::Lastname),
            Some(name.as_str())
        );
    }
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_store_that_refuses_address_default_flags_gets_the_defaults_by_id(pool: PgPool) {
    // Magento 2.4.7 before -p4 (#38878).
    let shop = Shop::open(pool).await;
    shop.store.set_customer_config(CustomerConfig {
        reject_address_default_flags: true,
        ..CustomerConfig::default()
    });
    let id = shop.with_address(6);
    let form = shop.form(id).await;
    let saved = form.addresses[0].clone();
    let mut added = saved.values.clone();
    added.city = "Capital City".into();
    added.street = vec!["7 Flag Rd".into()];
    let edit = CustomerEdit {
        addresses: vec![AddressChange::Add(Box::new(added))],
        default_billing: Some(DefaultChange {
            from: form
                .addresses
                .iter()
                .find(|a| a.default_billing)
                .map(|a| a.magento_id),
            to: AddressRef::New(0),
        }),
        default_shipping: Some(DefaultChange {
            from: form
                .addresses
                .iter()
                .find(|a| a.default_shipping)
                .map(|a| a.magento_id),
            to: AddressRef::Saved(saved.magento_id),
        }),
        ..CustomerEdit::default()
    };
    let done = shop.update(id, edit).await;
    assert_eq!(done.state, ActionState::Done, "{}", done.summary());
    let after = shop.in_store(id);
    let new_id = after
        .addresses
        .iter()
        .find(|a| &*a.postal.city == "Capital City")
        .map(|a| a.id)
        .expect("the new address is in the book");
    assert_eq!(
        after.default_billing,
        Some(new_id),
        "set by id once it had one"
    );
    assert_eq!(after.default_shipping, Some(saved.magento_id as u32));
    // The last request is the follow-up that named the new default by id.
    assert_eq!(
        body(&done)["customer"]["default_billing"],
        serde_json::json!(new_id.to_string())
    );
}
