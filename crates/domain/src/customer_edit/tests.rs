//! Table tests of the three-way merge: every combination of who changed a value (nobody, the
//! CRM, the store, both alike, both differently) × the channel's priority × a field owner
//! (none, the store, Cartwise) × "send my value anyway", for a customer field and for an
//! address field; then the address book's own cases.

use super::*;

const SIDES: [SyncPriority; 2] = [SyncPriority::Remote, SyncPriority::Local];

/// Who changed the value since the form showed "base".
#[derive(Clone, Copy, Debug, PartialEq)]
enum Case {
    Unchanged,
    Crm,
    Store,
    BothAlike,
    BothDiffer,
}

const CASES: [Case; 5] = [
    Case::Unchanged,
    Case::Crm,
    Case::Store,
    Case::BothAlike,
    Case::BothDiffer,
];

/// (base, crm, store) for a case.
fn values(case: Case) -> (&'static str, &'static str, &'static str) {
    match case {
        Case::Unchanged => ("base", "base", "base"),
        Case::Crm => ("base", "crm", "base"),
        Case::Store => ("base", "base", "store"),
        Case::BothAlike => ("base", "same", "same"),
        Case::BothDiffer => ("base", "crm", "store"),
    }
}

/// What the merge must do: send the CRM's value, and whether a conflict is recorded.
fn expected(case: Case, winner: SyncPriority) -> (bool, bool) {
    match case {
        // The form did not change it: it is not in the edit, so nothing is sent (a form
        // that still lists it sends nothing either, since the CRM value equals the base).
        Case::Unchanged | Case::Store | Case::BothAlike => (false, false),
        Case::Crm => (true, false),
        Case::BothDiffer => (winner == SyncPriority::Local, true),
    }
}

fn remote_with(field: CustomerField, value: &str) -> RemoteCustomer {
    RemoteCustomer {
        fields: vec![(field, Some(value.to_owned()))],
        addresses: vec![],
    }
}

#[test]
fn every_field_case_priority_owner_and_force() {
    let field = CustomerField::Taxvat;
    let mut checked = 0;
    for case in CASES {
        for priority in SIDES {
            for owner in [None, Some(SyncPriority::Remote), Some(SyncPriority::Local)] {
                for force in [false, true] {
                    let (base, crm, store) = values(case);
                    let owners: Vec<FieldOwner> = owner
                        .map(|owner| FieldOwner { field, owner })
                        .into_iter()
                        .collect();
                    let rules = MergeRules {
                        priority,
                        owners: &owners,
                        force,
                    };
                    let edit = CustomerEdit {
                        fields: vec![FieldChange {
                            field,
                            from: Some(base.into()),
                            to: Some(crm.into()),
                        }],
                        ..CustomerEdit::default()
                    };
                    let merged = merge(&edit, &remote_with(field, store), &rules);
                    let winner = if force {
                        SyncPriority::Local
                    } else {
                        owner.unwrap_or(priority)
                    };
                    let (send, conflict) = expected(case, winner);
                    let label =
                        format!("{case:?} priority {priority:?} owner {owner:?} force {force}");
                    assert_eq!(
                        merged.fields,
                        if send {
                            vec![(field, Some(crm.to_owned()))]
                        } else {
                            vec![]
                        },
                        "{label}"
                    );
                    assert_eq!(merged.conflicts.len(), usize::from(conflict), "{label}");
                    if let Some(c) = merged.conflicts.first() {
                        assert_eq!(c.kept, winner, "{label}");
                        assert_eq!(c.base.as_deref(), Some(base));
                        assert_eq!(c.store.as_deref(), Some(store));
                        assert_eq!(c.crm.as_deref(), Some(crm));
                        let by = if force {
                            Decision::Forced
                        } else if owner.is_some() {
                            Decision::Owner
                        } else {
                            Decision::Priority
                        };
                        assert_eq!(c.decided_by, by, "{label}");
                    }
                    assert!(merged.addresses.is_none(), "addresses untouched: {label}");
                    checked += 1;
                }
            }
        }
    }
    assert_eq!(checked, 5 * 2 * 3 * 2);
}

#[test]
fn an_owner_decides_only_its_own_field() {
    let owners = [FieldOwner {
        field: CustomerField::Email,
        owner: SyncPriority::Remote,
    }];
    let rules = MergeRules {
        priority: SyncPriority::Local,
        owners: &owners,
        force: false,
    };
    let edit = CustomerEdit {
        fields: vec![
            FieldChange {
                field: CustomerField::Email,
                from: Some("a@x.com".into()),
                to: Some("crm@x.com".into()),
            },
            FieldChange {
                field: CustomerField::GroupId,
                from: Some("1".into()),
                to: Some("2".into()),
            },
        ],
        ..CustomerEdit::default()
    };
    let remote = RemoteCustomer {
        fields: vec![
            (CustomerField::Email, Some("store@x.com".into())),
            (CustomerField::GroupId, Some("3".into())),
        ],
        addresses: vec![],
    };
    let merged = merge(&edit, &remote, &rules);
    // The store owns email: kept. Group follows the channel: Cartwise wins.
    assert_eq!(
        merged.fields,
        vec![(CustomerField::GroupId, Some("2".into()))]
    );
    assert_eq!(merged.conflicts.len(), 2);
    assert!(
        merged.conflicts[0]
            .describe()
            .contains("the store owns this field")
    );
    assert!(
        merged.conflicts[1]
            .describe()
            .contains("your value 2 was sent")
    );
}

#[test]
fn emptying_a_field_and_a_value_the_store_already_has() {
    let rules = MergeRules {
        priority: SyncPriority::Remote,
        owners: &[],
        force: false,
    };
    let edit = CustomerEdit {
        fields: vec![
            FieldChange {
                field: CustomerField::Taxvat,
                from: Some("DE1".into()),
                to: None,
            },
            FieldChange {
                field: CustomerField::Lastname,
                from: Some("Old".into()),
                to: Some("New".into()),
            },
        ],
        ..CustomerEdit::default()
    };
    let remote = RemoteCustomer {
        fields: vec![
            (CustomerField::Taxvat, Some("DE1".into())),
            (CustomerField::Lastname, Some("New".into())),
        ],
        addresses: vec![],
    };
    let merged = merge(&edit, &remote, &rules);
    assert_eq!(merged.fields, vec![(CustomerField::Taxvat, None)]);
    assert_eq!(merged.already, vec![CustomerField::Lastname]);
    assert!(merged.conflicts.is_empty());
}

fn address(city: &str, phone: &str) -> AddressInput {
    AddressInput {
        firstname: "Ann".into(),
        lastname: "Lee".into(),
        street: vec!["1 Main St".into()],
        city: city.into(),
        postcode: "12345".into(),
        country_id: "US".into(),
        telephone: phone.into(),
        region_id: Some(12),
        ..AddressInput::default()
    }
}

fn remote_book(entries: &[(i64, AddressInput, bool, bool)]) -> RemoteCustomer {
    RemoteCustomer {
        fields: vec![],
        addresses: entries
            .iter()
            .map(|(id, a, b, s)| RemoteAddress {
                magento_id: *id,
                values: a.clone(),
                default_billing: *b,
                default_shipping: *s,
            })
            .collect(),
    }
}

#[test]
fn every_address_field_case_and_priority() {
    for case in CASES {
        for priority in SIDES {
            for force in [false, true] {
                let (base, crm, store) = values(case);
                let rules = MergeRules {
                    priority,
                    owners: &[],
                    force,
                };
                let edit = CustomerEdit {
                    addresses: vec![AddressChange::Edit {
                        magento_id: 7,
                        from: Box::new(address("Springfield", base)),
                        to: Box::new(address("Springfield", crm)),
                    }],
                    ..CustomerEdit::default()
                };
                let remote = remote_book(&[(7, address("Springfield", store), true, true)]);
                let merged = merge(&edit, &remote, &rules);
                let winner = if force { SyncPriority::Local } else { priority };
                let (send, conflict) = expected(case, winner);
                let label = format!("{case:?} priority {priority:?} force {force}");
                match merged.addresses {
                    Some(book) => {
                        assert!(send, "{label}: sent a book");
                        assert_eq!(book.len(), 1);
                        assert_eq!(book[0].magento_id, Some(7), "{label}: the id is kept");
                        assert_eq!(book[0].values.telephone, crm, "{label}");
                        assert!(book[0].default_billing && book[0].default_shipping);
                    }
                    None => assert!(!send, "{label}: no book sent"),
                }
                assert_eq!(merged.conflicts.len(), usize::from(conflict), "{label}");
                if conflict {
                    assert_eq!(merged.conflicts[0].subject, "address:7.telephone");
                }
            }
        }
    }
}

#[test]
fn an_address_edit_keeps_the_stores_other_changes_and_the_rest_of_the_book() {
    let rules = MergeRules {
        priority: SyncPriority::Remote,
        owners: &[],
        force: false,
    };
    let mut store_side = address("Springfield", "555");
    store_side.postcode = "99999".into(); // changed in the store
    let edit = CustomerEdit {
        addresses: vec![AddressChange::Edit {
            magento_id: 7,
            from: Box::new(address("Springfield", "555")),
            to: Box::new(address("Springfield", "777")),
        }],
        ..CustomerEdit::default()
    };
    let remote = remote_book(&[
        (7, store_side, false, false),
        (8, address("Shelbyville", "1"), true, true),
    ]);
    let book = merge(&edit, &remote, &rules).addresses.unwrap();
    assert_eq!(
        book.len(),
        2,
        "the other address is listed, or Magento deletes it"
    );
    assert_eq!(book[0].values.telephone, "777");
    assert_eq!(book[0].values.postcode, "99999");
    assert_eq!(book[1].magento_id, Some(8));
    assert!(book[1].default_billing);
}

#[test]
fn adding_an_address_and_making_it_the_default() {
    let rules = MergeRules {
        priority: SyncPriority::Remote,
        owners: &[],
        force: false,
    };
    let edit = CustomerEdit {
        addresses: vec![AddressChange::Add(Box::new(address("Ogdenville", "3")))],
        default_shipping: Some(DefaultChange {
            from: Some(8),
            to: AddressRef::New(0),
        }),
        ..CustomerEdit::default()
    };
    let remote = remote_book(&[(8, address("Shelbyville", "1"), true, true)]);
    let merged = merge(&edit, &remote, &rules);
    let book = merged.addresses.unwrap();
    assert_eq!(book.len(), 2);
    assert_eq!(book[1].magento_id, None, "a new address has no id");
    assert!(book[1].default_shipping && !book[1].default_billing);
    assert!(book[0].default_billing && !book[0].default_shipping);
    assert!(merged.conflicts.is_empty());
}

#[test]
fn a_default_moved_on_both_sides_follows_the_priority() {
    for priority in SIDES {
        let rules = MergeRules {
            priority,
            owners: &[],
            force: false,
        };
        let edit = CustomerEdit {
            default_billing: Some(DefaultChange {
                from: Some(1),
                to: AddressRef::Saved(2),
            }),
            ..CustomerEdit::default()
        };
        // The store moved it to 3 meanwhile.
        let remote = remote_book(&[
            (1, address("A", "1"), false, false),
            (2, address("B", "2"), false, false),
            (3, address("C", "3"), true, false),
        ]);
        let merged = merge(&edit, &remote, &rules);
        assert_eq!(merged.conflicts.len(), 1);
        assert_eq!(merged.conflicts[0].subject, "default_billing");
        match priority {
            SyncPriority::Remote => assert!(merged.addresses.is_none()),
            SyncPriority::Local => {
                let book = merged.addresses.unwrap();
                assert!(book[1].default_billing && !book[2].default_billing);
            }
        }
    }
}

#[test]
fn removing_an_address() {
    let rules = |priority| MergeRules {
        priority,
        owners: &[],
        force: false,
    };
    let edit = CustomerEdit {
        addresses: vec![AddressChange::Remove {
            magento_id: 7,
            from: Box::new(address("Springfield", "555")),
        }],
        ..CustomerEdit::default()
    };
    // Unchanged in the store: removed (the list sent leaves it out).
    let remote = remote_book(&[
        (7, address("Springfield", "555"), false, false),
        (8, address("Shelbyville", "1"), true, true),
    ]);
    let book = merge(&edit, &remote, &rules(SyncPriority::Remote))
        .addresses
        .unwrap();
    assert_eq!(
        book.iter().map(|a| a.magento_id).collect::<Vec<_>>(),
        vec![Some(8)]
    );
    // Removing the last one sends an empty book.
    let only = remote_book(&[(7, address("Springfield", "555"), true, true)]);
    assert_eq!(
        merge(&edit, &only, &rules(SyncPriority::Remote)).addresses,
        Some(vec![])
    );
    // Changed in the store meanwhile: a conflict; the store wins keeps it.
    let changed = remote_book(&[(7, address("Springfield", "999"), false, false)]);
    let merged = merge(&edit, &changed, &rules(SyncPriority::Remote));
    assert!(merged.addresses.is_none());
    assert_eq!(merged.conflicts[0].subject, "address:7");
    let merged = merge(&edit, &changed, &rules(SyncPriority::Local));
    assert_eq!(merged.addresses, Some(vec![]));
    // Already gone in the store: nothing to send, no conflict.
    let gone = remote_book(&[]);
    let merged = merge(&edit, &gone, &rules(SyncPriority::Remote));
    assert!(merged.addresses.is_none() && merged.conflicts.is_empty());
}

#[test]
fn an_address_deleted_in_the_store_while_edited() {
    let edit = CustomerEdit {
        addresses: vec![AddressChange::Edit {
            magento_id: 7,
            from: Box::new(address("Springfield", "555")),
            to: Box::new(address("Springfield", "777")),
        }],
        ..CustomerEdit::default()
    };
    let remote = remote_book(&[(8, address("Shelbyville", "1"), true, true)]);
    for priority in SIDES {
        let merged = merge(
            &edit,
            &remote,
            &MergeRules {
                priority,
                owners: &[],
                force: false,
            },
        );
        assert_eq!(merged.conflicts[0].subject, "address:7");
        match priority {
            // The store's deletion stands.
            SyncPriority::Remote => assert!(merged.addresses.is_none()),
            // The user's address comes back as a new one; the other stays.
            SyncPriority::Local => {
                let book = merged.addresses.unwrap();
                assert_eq!(book.len(), 2);
                assert_eq!(book[1].magento_id, None);
                assert_eq!(book[1].values.telephone, "777");
            }
        }
    }
}

#[test]
fn edits_are_validated_before_anything_is_queued() {
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
    let one = |field, to: Option<&str>| CustomerEdit {
        fields: vec![FieldChange {
            field,
            from: None,
            to: to.map(str::to_owned),
        }],
        ..CustomerEdit::default()
    };
    let field_of = |e: CustomerEdit| match e.validate(today) {
        Err(crate::AppError::Invalid { field, .. }) => field,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        field_of(one(CustomerField::Email, Some("not-an-email"))),
        "email"
    );
    assert_eq!(field_of(one(CustomerField::Email, None)), "email");
    assert_eq!(field_of(one(CustomerField::Dob, Some("2027-01-01"))), "dob");
    assert_eq!(field_of(one(CustomerField::Dob, Some("01/02/1990"))), "dob");
    assert_eq!(field_of(one(CustomerField::Gender, Some("7"))), "gender");
    assert_eq!(
        field_of(one(CustomerField::Firstname, Some(&"x".repeat(10_000)))),
        "firstname"
    );
    assert_eq!(field_of(CustomerEdit::default()), "customer");
    assert!(
        one(CustomerField::Dob, Some("1990-02-01"))
            .validate(today)
            .is_ok()
    );
    assert!(one(CustomerField::Taxvat, None).validate(today).is_ok());
    let mut bad_address = address("", "1");
    bad_address.city = String::new();
    let add = CustomerEdit {
        addresses: vec![AddressChange::Add(Box::new(bad_address))],
        ..CustomerEdit::default()
    };
    assert_eq!(field_of(add), "address:new0.city");
}

#[test]
fn fields_parse_from_their_names() {
    for f in CustomerField::ALL {
        assert_eq!(f.as_str().parse::<CustomerField>(), Ok(f));
    }
    assert!("password".parse::<CustomerField>().is_err());
}
