//! Store actions over real HTTP against the demo store (a faithful Magento 2.4 checkout) and a
//! real Postgres: the catalog synced, a phone order built and placed, every refusal recorded
//! with Magento's own words, and an order never placed twice — double clicks, lost answers
//! and dead runners included.

mod common;

use common::*;
use demo_store::{DemoStoreHandle, PlaceOrderFaults};
use domain::actions::{
    ActionCommand, ActionResult, ActionState, ActionView, AddressChoice, AddressInput, ItemOption,
};
use domain::sync::JobStatus;
use domain::{CartStatus, Decimal, Entity};
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
        let store = spawn_store(small_store(300)).await;
        let channel = add_channel(&pool, &store.base_url(), 100).await;
        let outcome = sync(&pool, channel).await;
        assert_eq!(outcome.status, JobStatus::Succeeded, "{:?}", outcome.error);
        let actions = Actions::new(pool.clone(), cipher(), fast_client());
        Shop {
            store,
            pool,
            channel,
            actions,
        }
    }

    async fn run(&self, command: ActionCommand) -> ActionView {
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

    /// A registered customer with a saved US address and no active cart: (Magento id, address).
    fn customer(&self, skip: usize) -> (i64, i64) {
        let state = self.store.state();
        let s = state.read();
        s.customers
            .iter()
            .filter(|c| {
                c.default_shipping_address()
                    .is_some_and(|a| &*a.postal.country_id == "US")
                    && s.active_cart_of(c.id).is_none()
            })
            .nth(skip)
            .map(|c| (c.id as i64, c.default_shipping.unwrap() as i64))
            .expect("a customer with a US address")
    }

    async fn open_cart(&self, customer: i64) -> i64 {
        let opened = self
            .run(ActionCommand::CartOpen {
                customer_magento_id: Some(customer),
                guest_email: None,
                store_view: None,
            })
            .await;
        assert_eq!(opened.state, ActionState::Done, "{}", opened.summary());
        match opened.result {
            Some(ActionResult::CartOpened { cart, .. }) => cart,
            other => panic!("{other:?}"),
        }
    }

    async fn add(&self, cart: i64, sku: &str, qty: i64, options: Vec<ItemOption>) -> ActionView {
        self.run(ActionCommand::CartAddItem {
            cart,
            sku: sku.into(),
            qty: Decimal::from(qty),
            options,
        })
        .await
    }

    async fn ship(&self, cart: i64, address: AddressChoice) -> ActionView {
        self.run(ActionCommand::CartShipping {
            cart,
            shipping: address,
            billing: None,
            carrier: "flatrate".into(),
            method: "flatrate".into(),
        })
        .await
    }

    async fn place(&self, cart: i64) -> ActionView {
        self.run(ActionCommand::CartPlace {
            cart,
            payment: "checkmo".into(),
        })
        .await
    }

    /// Simple products sold on website 1, in stock.
    async fn simple_skus(&self) -> Vec<String> {
        sqlx::query_scalar(
            "select sku from products where channel_id = $1 and type_id = 'simple' and status = 1
               and visibility = 4 and coalesce(is_in_stock, true)
               and (stock_qty is null or stock_qty > 100) and website_ids @> array[1]::int8[]
             order by magento_id",
        )
        .bind(self.channel)
        .fetch_all(&self.pool)
        .await
        .unwrap()
    }

    /// Orders the demo store holds for a cart.
    fn orders_of(&self, cart: i64) -> usize {
        let state = self.store.state();
        let s = state.read();
        s.orders
            .iter()
            .filter(|o| o.quote_id as i64 == cart)
            .count()
    }

    async fn cart_status(&self, cart: i64) -> CartStatus {
        let status: String = sqlx::query_scalar(
            "select status from carts where channel_id = $1 and magento_id = $2",
        )
        .bind(self.channel)
        .bind(cart)
        .fetch_one(&self.pool)
        .await
        .unwrap();
        status.parse().unwrap()
    }
}

fn typed_us_address(email: Option<&str>) -> AddressInput {
    AddressInput {
        firstname: "Ana".into(),
        lastname: "Lee".into(),
        street: vec!["1 Main St".into()],
        city: "Austin".into(),
        region_id: Some(57),
        postcode: "78701".into(),
        country_id: "US".into(),
        telephone: "512 555 0100".into(),
        email: email.map(str::to_string),
        ..AddressInput::default()
    }
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn the_catalog_syncs_with_configurable_options_and_their_labels(pool: PgPool) {
    let shop = Shop::open(pool).await;
    let in_store = shop.store.state().read().catalog.products.len() as i64;
    let synced: i64 = sqlx::query_scalar("select count(*) from products where channel_id = $1")
        .bind(shop.channel)
        .fetch_one(&shop.pool)
        .await
        .unwrap();
    assert_eq!(synced, in_store);
    // A configurable offers its options with the store's labels, as the builder shows them.
    let configurable: String = sqlx::query_scalar(
        "select sku from products where channel_id = $1 and type_id = 'configurable' order by magento_id limit 1",
    )
    .bind(shop.channel)
    .fetch_one(&shop.pool)
    .await
    .unwrap();
    let choice = store::checkout::product_choice_by_sku(&shop.pool, shop.channel, &configurable)
        .await
        .unwrap()
        .unwrap();
    assert!(!choice.options.is_empty());
    for option in &choice.options {
        assert!(!option.values.is_empty());
        for v in &option.values {
            assert_ne!(
                v.label,
                v.value.to_string(),
                "{configurable}: a value without its label"
            );
        }
    }
    // A price change in the store comes in with the next sync.
    let sku = {
        let state = shop.store.state();
        let s = state.read();
        s.catalog
            .products
            .iter()
            .find(|p| p.sku.starts_with("MS"))
            .unwrap()
            .sku
            .to_string()
    };
    shop.store
        .state()
        .write()
        .set_product_price(&sku, Decimal::new(4242, 2))
        .unwrap();
    // The window ends a second before the store's clock: let the change's second pass.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(
        sync(&shop.pool, shop.channel).await.status,
        JobStatus::Succeeded
    );
    let price: Decimal =
        sqlx::query_scalar("select price from products where channel_id = $1 and sku = $2")
            .bind(shop.channel)
            .bind(&sku)
            .fetch_one(&shop.pool)
            .await
            .unwrap();
    assert_eq!(price, Decimal::new(4242, 2));
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_phone_order_is_built_and_placed_and_the_crm_follows(pool: PgPool) {
    let shop = Shop::open(pool).await;
    let (customer, address) = shop.customer(0);
    let cart = shop.open_cart(customer).await;
    // Opening again hands back the same live cart.
    assert_eq!(shop.open_cart(customer).await, cart);
    let skus = shop.simple_skus().await;
    let added = shop.add(cart, &skus[0], 2, vec![]).await;
    assert_eq!(added.state, ActionState::Done, "{}", added.summary());
    let Some(ActionResult::ItemSaved { item_id, .. }) = added.result else {
        panic!("{added:?}")
    };
    // The exact body is on the action, quote_id included (Magento 2.4 requires it).
    let request: serde_json::Value =
        serde_json::from_str(added.request.as_deref().unwrap()).unwrap();
    assert_eq!(
        request["cartItem"]["quote_id"],
        serde_json::json!(cart.to_string())
    );
    assert_eq!(
        added.route.as_deref(),
        Some(format!("POST /V1/carts/{cart}/items").as_str())
    );
    // A configurable with its options (one whose variants are all in stock).
    let (parent, child): (String, i64) = sqlx::query_as(
        "select p.sku, p.children[1] from products p where p.channel_id = $1
           and p.type_id = 'configurable' and p.website_ids @> array[1]::int8[]
           and not exists (select 1 from products c where c.channel_id = p.channel_id
                           and c.magento_id = any(p.children) and not coalesce(c.is_in_stock, true))
         order by p.magento_id limit 1",
    )
    .bind(shop.channel)
    .fetch_one(&shop.pool)
    .await
    .unwrap();
    let configurable = {
        let state = shop.store.state();
        let s = state.read();
        let (color, size) = s.catalog.product(child as u32).unwrap().options.unwrap();
        (
            parent,
            vec![
                ItemOption {
                    attribute_id: demo_store::COLOR_ATTRIBUTE_ID as i64,
                    value: color as i64,
                },
                ItemOption {
                    attribute_id: demo_store::SIZE_ATTRIBUTE_ID as i64,
                    value: size as i64,
                },
            ],
        )
    };
    let with_options = shop.add(cart, &configurable.0, 1, configurable.1).await;
    assert_eq!(
        with_options.state,
        ActionState::Done,
        "{}",
        with_options.summary()
    );
    let third = shop.add(cart, &skus[1], 1, vec![]).await;
    assert_eq!(third.state, ActionState::Done);
    let Some(ActionResult::ItemSaved {
        item_id: third_item,
        ..
    }) = third.result
    else {
        panic!()
    };
    // Change a quantity, remove a line.
    let changed = shop
        .run(ActionCommand::CartUpdateItem {
            cart,
            item_id,
            qty: Decimal::from(3),
        })
        .await;
    assert_eq!(changed.state, ActionState::Done, "{}", changed.summary());
    let removed = shop
        .run(ActionCommand::CartRemoveItem {
            cart,
            item_id: third_item,
        })
        .await;
    assert_eq!(removed.state, ActionState::Done);
    // The CRM's copy is the store's answer, read back after each change.
    let page = {
        let crm: i64 =
            sqlx::query_scalar("select id from carts where channel_id = $1 and magento_id = $2")
                .bind(shop.channel)
                .bind(cart)
                .fetch_one(&shop.pool)
                .await
                .unwrap();
        store::checkout::builder(&shop.pool, crm).await.unwrap()
    };
    assert_eq!(page.lines.len(), 2);
    assert!(
        page.lines
            .iter()
            .any(|l| l.item_id == item_id && l.qty == Some(Decimal::from(3)))
    );
    // Rates for the saved address, then shipping: the store says which payment it takes.
    let rates = shop
        .run(ActionCommand::CartRates {
            cart,
            address: AddressChoice::Saved(address),
        })
        .await;
    let Some(ActionResult::Rates(rates)) = rates.result else {
        panic!("{rates:?}")
    };
    assert!(rates.iter().any(|r| r.carrier == "flatrate"), "{rates:?}");
    let shipped = shop.ship(cart, AddressChoice::Saved(address)).await;
    let Some(ActionResult::Shipping {
        payment_methods, ..
    }) = &shipped.result
    else {
        panic!("{shipped:?}")
    };
    let codes: Vec<&str> = payment_methods.iter().map(|m| m.code.as_str()).collect();
    assert_eq!(
        codes,
        ["checkmo"],
        "a default store takes Check / Money order only"
    );
    let request: serde_json::Value =
        serde_json::from_str(shipped.request.as_deref().unwrap()).unwrap();
    assert_eq!(
        request["addressInformation"]["shipping_address"]["customer_address_id"],
        serde_json::json!(address),
        "a saved address is sent with its id"
    );
    let placed = shop.place(cart).await;
    assert_eq!(placed.state, ActionState::Done, "{}", placed.summary());
    let Some(ActionResult::Placed {
        increment_id: Some(increment),
        crm_order_id: Some(crm_order),
        ..
    }) = placed.result
    else {
        panic!("{placed:?}")
    };
    assert_eq!(shop.orders_of(cart), 1);
    assert_eq!(shop.cart_status(cart).await, CartStatus::Purchased);
    // The cart itself is re-read once the outcome is recorded: closed in the CRM as in the
    // store.
    shop.actions.settle().await;
    let active: bool =
        sqlx::query_scalar("select is_active from carts where channel_id = $1 and magento_id = $2")
            .bind(shop.channel)
            .bind(cart)
            .fetch_one(&shop.pool)
            .await
            .unwrap();
    assert!(!active, "the placed cart is still active in the CRM");
    let stored: String = sqlx::query_scalar("select increment_id from orders where id = $1")
        .bind(crm_order)
        .fetch_one(&shop.pool)
        .await
        .unwrap();
    assert_eq!(stored, increment);
    // Every step is in the log, on the cart's and the customer's timelines.
    let crm_customer: i64 =
        sqlx::query_scalar("select id from customers where channel_id = $1 and magento_id = $2")
            .bind(shop.channel)
            .bind(customer)
            .fetch_one(&shop.pool)
            .await
            .unwrap();
    let (timeline, total) = store::store_actions::list(
        &shop.pool,
        &store::store_actions::ActionFilter {
            record: Some((Entity::Customers, crm_customer)),
            ..Default::default()
        },
        50,
        0,
        Tz::UTC,
    )
    .await
    .unwrap();
    assert_eq!(total, 10, "{timeline:#?}");
    // Placing the same cart again sends nothing: the placed action is handed back.
    let again = shop.place(cart).await;
    assert_eq!(again.id, placed.id);
    assert_eq!(shop.orders_of(cart), 1);
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn refusals_carry_magentos_message_its_parameters_and_the_field(pool: PgPool) {
    let shop = Shop::open(pool).await;
    let (customer, address) = shop.customer(1);
    let cart = shop.open_cart(customer).await;
    let unknown = shop.add(cart, "NO-SUCH-SKU", 1, vec![]).await;
    assert_eq!(unknown.state, ActionState::Failed);
    assert_eq!(unknown.http_status, Some(404));
    assert_eq!(
        unknown.message.as_deref(),
        Some("The product that was requested doesn't exist. Verify the product and try again.")
    );
    assert_eq!(unknown.field.as_deref(), Some("sku"));
    // A configurable without its options.
    let configurable: String = sqlx::query_scalar(
        "select sku from products where channel_id = $1 and type_id = 'configurable' order by magento_id limit 1",
    )
    .bind(shop.channel)
    .fetch_one(&shop.pool)
    .await
    .unwrap();
    let no_options = shop.add(cart, &configurable, 1, vec![]).await;
    assert_eq!(
        no_options.message.as_deref(),
        Some("You need to choose options for your item.")
    );
    assert_eq!(no_options.field.as_deref(), Some("options"));
    // Out of stock, and more than the store holds.
    let out: String = sqlx::query_scalar(
        "select sku from products where channel_id = $1 and is_in_stock = false and type_id = 'simple' and visibility = 4 order by magento_id limit 1",
    )
    .bind(shop.channel)
    .fetch_one(&shop.pool)
    .await
    .unwrap();
    let refused = shop.add(cart, &out, 1, vec![]).await;
    assert_eq!(refused.state, ActionState::Failed);
    assert_eq!(
        refused.message.as_deref(),
        Some("This product is out of stock.")
    );
    assert_eq!(refused.field.as_deref(), Some("qty"));
    let skus = shop.simple_skus().await;
    let (scarce, stock): (String, Decimal) = sqlx::query_as(
        "select sku, stock_qty from products where channel_id = $1 and is_in_stock
           and stock_qty between 1 and 50 and type_id = 'simple' and visibility = 4
         order by magento_id limit 1",
    )
    .bind(shop.channel)
    .fetch_one(&shop.pool)
    .await
    .unwrap();
    let too_many = shop
        .add(cart, &scarce, i64::try_from(stock).unwrap() + 1, vec![])
        .await;
    assert_eq!(
        too_many.state,
        ActionState::Failed,
        "{}",
        too_many.summary()
    );
    assert_eq!(
        too_many.message.as_deref(),
        Some("The requested qty is not available")
    );
    assert_eq!(too_many.field.as_deref(), Some("qty"));
    // Placing an empty cart: at a zero total only `free` is offered; with it, Magento
    // deactivates the cart and says a server error stopped the order.
    let empty_placed = shop.place(cart).await;
    assert_eq!(empty_placed.state, ActionState::Failed);
    assert_eq!(
        empty_placed.message.as_deref(),
        Some("The requested Payment Method is not available.")
    );
    let free = shop
        .run(ActionCommand::CartPlace {
            cart,
            payment: "free".into(),
        })
        .await;
    assert_eq!(free.state, ActionState::Failed, "{free:?}");
    assert_eq!(
        free.message.as_deref(),
        Some(
            "A server error stopped your order from being placed. Please try to place your order again."
        )
    );
    assert_eq!(shop.orders_of(cart), 0);
    assert_eq!(
        shop.cart_status(cart).await,
        CartStatus::Expired,
        "read back inactive"
    );
    // Bad input never reaches the store.
    for qty in ["0", "-1", "100000"] {
        let command = ActionCommand::CartAddItem {
            cart,
            sku: skus[0].clone(),
            qty: qty.parse().unwrap(),
            options: vec![],
        };
        assert!(command.validate().is_err(), "{qty}");
    }
    // A new cart, for the checkout refusals.
    let (customer, _) = shop.customer(2);
    let cart = shop.open_cart(customer).await;
    assert_eq!(
        shop.add(cart, &skus[0], 1, vec![]).await.state,
        ActionState::Done
    );
    let mut bad_country = typed_us_address(None);
    bad_country.country_id = "XX".into();
    bad_country.region_id = None;
    let refused = shop
        .ship(cart, AddressChoice::Typed(Box::new(bad_country)))
        .await;
    assert_eq!(refused.state, ActionState::Failed);
    assert_eq!(
        refused.message.as_deref(),
        Some("The shipping information was unable to be saved. Error: \"%message\"")
    );
    assert_eq!(
        refused.field.as_deref(),
        Some("shipping.country_id"),
        "{refused:?}"
    );
    let wrong_rate = shop
        .run(ActionCommand::CartShipping {
            cart,
            shipping: AddressChoice::Typed(Box::new(typed_us_address(None))),
            billing: None,
            carrier: "nosuch".into(),
            method: "rate".into(),
        })
        .await;
    assert_eq!(wrong_rate.http_status, Some(404));
    assert_eq!(
        wrong_rate.parameters.as_deref(),
        Some(r#"["nosuch","rate"]"#)
    );
    assert_eq!(wrong_rate.field.as_deref(), Some("shipping_method"));
    assert_eq!(
        shop.ship(cart, AddressChoice::Typed(Box::new(typed_us_address(None))))
            .await
            .state,
        ActionState::Done
    );
    let unoffered = shop
        .run(ActionCommand::CartPlace {
            cart,
            payment: "cashondelivery".into(),
        })
        .await;
    assert_eq!(unoffered.state, ActionState::Failed);
    assert_eq!(
        unoffered.message.as_deref(),
        Some("The requested Payment Method is not available.")
    );
    assert_eq!(unoffered.field.as_deref(), Some("payment"));
    assert_eq!(shop.orders_of(cart), 0);
    // The refused place left the cart free for the right one.
    let _ = address;
    assert_eq!(shop.place(cart).await.state, ActionState::Done);
    assert_eq!(shop.orders_of(cart), 1);
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_double_click_places_one_order(pool: PgPool) {
    let shop = Shop::open(pool).await;
    let (customer, address) = shop.customer(3);
    let cart = shop.open_cart(customer).await;
    let skus = shop.simple_skus().await;
    shop.add(cart, &skus[0], 1, vec![]).await;
    shop.ship(cart, AddressChoice::Saved(address)).await;
    let (a, b) = tokio::join!(shop.place(cart), shop.place(cart));
    assert_eq!(a.id, b.id, "the second click gets the first action");
    assert_eq!(a.state, ActionState::Done);
    assert_eq!(shop.orders_of(cart), 1);
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_lost_answer_is_found_in_the_store_not_sent_again(pool: PgPool) {
    let shop = Shop::open(pool).await;
    let (customer, address) = shop.customer(4);
    let skus = shop.simple_skus().await;
    let cart = shop.open_cart(customer).await;
    shop.add(cart, &skus[0], 1, vec![]).await;
    shop.ship(cart, AddressChoice::Saved(address)).await;
    // The store places the order, then the connection drops before the answer.
    shop.store.set_place_order_faults(PlaceOrderFaults {
        drop_after_place: 1,
        ..Default::default()
    });
    let placed = shop.place(cart).await;
    assert_eq!(placed.state, ActionState::Done, "{}", placed.summary());
    assert!(matches!(
        placed.result,
        Some(ActionResult::Placed {
            crm_order_id: Some(_),
            ..
        })
    ));
    assert_eq!(shop.orders_of(cart), 1, "never a second order");
    // A lock error (another request placing the same cart) is waited out.
    let (customer, address) = shop.customer(5);
    let cart = shop.open_cart(customer).await;
    shop.add(cart, &skus[0], 1, vec![]).await;
    shop.ship(cart, AddressChoice::Saved(address)).await;
    shop.store.set_place_order_faults(PlaceOrderFaults {
        cart_lock: 1,
        ..Default::default()
    });
    let placed = shop.place(cart).await;
    assert_eq!(placed.state, ActionState::Done, "{}", placed.summary());
    assert_eq!(shop.orders_of(cart), 1);
    // The store answers too late (our timeout fires after it placed the order).
    let (customer, address) = shop.customer(6);
    let cart = shop.open_cart(customer).await;
    shop.add(cart, &skus[0], 1, vec![]).await;
    shop.ship(cart, AddressChoice::Saved(address)).await;
    shop.store.set_place_order_faults(PlaceOrderFaults {
        hang_after_place: std::time::Duration::from_secs(3),
        ..Default::default()
    });
    let placed = shop.place(cart).await;
    shop.store
        .set_place_order_faults(PlaceOrderFaults::default());
    assert_eq!(placed.state, ActionState::Done, "{}", placed.summary());
    assert_eq!(shop.orders_of(cart), 1);
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_runner_that_died_mid_place_is_resolved_from_the_store(pool: PgPool) {
    let shop = Shop::open(pool).await;
    let (customer, address) = shop.customer(7);
    let skus = shop.simple_skus().await;
    let cart = shop.open_cart(customer).await;
    shop.add(cart, &skus[0], 1, vec![]).await;
    shop.ship(cart, AddressChoice::Saved(address)).await;
    // A runner claims the place, the store places the order, and the runner dies before it
    // records the answer (its connection, and so its lock, go with it).
    let command = ActionCommand::CartPlace {
        cart,
        payment: "checkmo".into(),
    };
    let id = store::store_actions::enqueue(
        &shop.pool,
        NewAction {
            channel_id: shop.channel,
            command: &command,
            targets: Targets::default(),
            requested_by: None,
        },
    )
    .await
    .unwrap()
    .id();
    let lease = store::store_actions::claim(&shop.pool, id, "dying")
        .await
        .unwrap()
        .unwrap();
    shop.store
        .state()
        .write()
        .place_order(cart as u32, Some("checkmo"))
        .unwrap();
    drop(lease);
    tokio::time::sleep(std::time::Duration::from_millis(1200)).await;
    // The worker's round finds it, reads the cart and the order from the store.
    shop.actions.tick().await.unwrap();
    let view = store::store_actions::get(&shop.pool, id, Tz::UTC)
        .await
        .unwrap();
    assert_eq!(view.state, ActionState::Done, "{}", view.summary());
    assert!(matches!(
        view.result,
        Some(ActionResult::Placed {
            crm_order_id: Some(_),
            ..
        })
    ));
    assert_eq!(shop.orders_of(cart), 1);
    assert_eq!(shop.cart_status(cart).await, CartStatus::Purchased);

    // Died before the store acted: the cart is still open, so the action fails and the rep
    // may place again.
    let (customer, address) = shop.customer(8);
    let cart = shop.open_cart(customer).await;
    shop.add(cart, &skus[0], 1, vec![]).await;
    shop.ship(cart, AddressChoice::Saved(address)).await;
    let command = ActionCommand::CartPlace {
        cart,
        payment: "checkmo".into(),
    };
    let id = store::store_actions::enqueue(
        &shop.pool,
        NewAction {
            channel_id: shop.channel,
            command: &command,
            targets: Targets::default(),
            requested_by: None,
        },
    )
    .await
    .unwrap()
    .id();
    drop(
        store::store_actions::claim(&shop.pool, id, "dying")
            .await
            .unwrap(),
    );
    tokio::time::sleep(std::time::Duration::from_millis(1200)).await;
    shop.actions.tick().await.unwrap();
    let view = store::store_actions::get(&shop.pool, id, Tz::UTC)
        .await
        .unwrap();
    assert_eq!(view.state, ActionState::Failed, "{}", view.summary());
    assert_eq!(shop.orders_of(cart), 0);
    assert_eq!(shop.place(cart).await.state, ActionState::Done);
    assert_eq!(shop.orders_of(cart), 1);
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn the_shopper_ordering_first_or_the_store_going_down_never_corrupts_the_crm(pool: PgPool) {
    let shop = Shop::open(pool).await;
    let (customer, address) = shop.customer(9);
    let skus = shop.simple_skus().await;
    let cart = shop.open_cart(customer).await;
    shop.add(cart, &skus[0], 1, vec![]).await;
    shop.ship(cart, AddressChoice::Saved(address)).await;
    // The shopper checks out in the store meanwhile.
    shop.store.state().write().checkout(cart as u32).unwrap();
    let placed = shop.place(cart).await;
    assert_eq!(placed.state, ActionState::Failed);
    assert!(
        placed
            .rendered
            .as_deref()
            .unwrap()
            .contains("already turned into order"),
        "{placed:?}"
    );
    assert_eq!(shop.orders_of(cart), 1);
    assert_eq!(shop.cart_status(cart).await, CartStatus::Purchased);
    // The store goes away: a clear failure, nothing half done.
    let (customer, _) = shop.customer(10);
    let cart = shop.open_cart(customer).await;
    let url = shop.store.base_url();
    let Shop {
        store,
        pool,
        channel,
        actions,
    } = shop;
    store.shutdown().await;
    let shop = Shop {
        store: spawn_store(small_store(10)).await,
        pool,
        channel,
        actions,
    };
    // (The channel still points at the old address, where nothing answers now.)
    let refused = shop.add(cart, &skus[0], 1, vec![]).await;
    assert_eq!(refused.state, ActionState::Failed);
    assert!(
        refused
            .rendered
            .as_deref()
            .unwrap()
            .contains("could not be reached"),
        "{url}: {refused:?}"
    );
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_guest_order_needs_only_an_email_and_addresses(pool: PgPool) {
    let shop = Shop::open(pool).await;
    let opened = shop
        .run(ActionCommand::CartOpen {
            customer_magento_id: None,
            guest_email: Some("walk-in@example.com".into()),
            store_view: None,
        })
        .await;
    let Some(ActionResult::CartOpened { cart, .. }) = opened.result else {
        panic!("{opened:?}")
    };
    let skus = shop.simple_skus().await;
    assert_eq!(
        shop.add(cart, &skus[0], 2, vec![]).await.state,
        ActionState::Done
    );
    let rates = shop
        .run(ActionCommand::CartRates {
            cart,
            address: AddressChoice::Typed(Box::new(typed_us_address(None))),
        })
        .await;
    assert_eq!(rates.state, ActionState::Done, "{}", rates.summary());
    let shipped = shop
        .ship(cart, AddressChoice::Typed(Box::new(typed_us_address(None))))
        .await;
    assert_eq!(shipped.state, ActionState::Done, "{}", shipped.summary());
    // The guest's email went on the addresses (Magento takes a guest order's email there).
    let request: serde_json::Value =
        serde_json::from_str(shipped.request.as_deref().unwrap()).unwrap();
    assert_eq!(
        request["addressInformation"]["billing_address"]["email"],
        "walk-in@example.com"
    );
    let placed = shop.place(cart).await;
    assert_eq!(placed.state, ActionState::Done, "{}", placed.summary());
    let (email, guest): (String, bool) = sqlx::query_as(
        "select email, is_guest from orders where channel_id = $1 and quote_magento_id = $2",
    )
    .bind(shop.channel)
    .bind(cart)
    .fetch_one(&shop.pool)
    .await
    .unwrap();
    assert_eq!((email.as_str(), guest), ("walk-in@example.com", true));
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn sync_this_record_rereads_it_and_what_it_hangs_on(pool: PgPool) {
    let shop = Shop::open(pool).await;
    let (customer, _) = shop.customer(11);
    shop.store
        .state()
        .write()
        .update_customer(customer as u32, |c| {
            c.firstname = demo_store::text("Renamed")
        })
        .unwrap();
    let synced = shop
        .run(ActionCommand::RecordSync {
            entity: Entity::Customers,
            magento_id: customer,
        })
        .await;
    assert_eq!(synced.state, ActionState::Done);
    assert!(matches!(
        synced.result,
        Some(ActionResult::Synced { found: true })
    ));
    let name: String = sqlx::query_scalar(
        "select first_name from customers where channel_id = $1 and magento_id = $2",
    )
    .bind(shop.channel)
    .bind(customer)
    .fetch_one(&shop.pool)
    .await
    .unwrap();
    assert_eq!(name, "Renamed");
    assert!(synced.customer_id.is_some(), "on the customer's timeline");
    let gone = shop
        .run(ActionCommand::RecordSync {
            entity: Entity::Orders,
            magento_id: 999_999,
        })
        .await;
    assert!(matches!(
        gone.result,
        Some(ActionResult::Synced { found: false })
    ));
}
