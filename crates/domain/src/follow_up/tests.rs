//! The follow-up state machine, every step × every event (for an Open cart, and the statuses
//! that change the answer).

use super::*;
use CartStatus as S;
use Event as E;
use StatusChange::{Keep, Recompute, Set};

/// `None` in a cell: refused.
type Row = (Option<Step>, [Option<(Option<Step>, StatusChange)>; 9]);

const NC: Option<Step> = Some(Step::NotContacted);
const CO: Option<Step> = Some(Step::Contacted);
const WB: Option<Step> = Some(Step::WonBack);
const LO: Option<Step> = Some(Step::Lost);
const OP: Option<Step> = Some(Step::Opportunity);
const EX: Option<Step> = Some(Step::Expired);

fn ok(step: Option<Step>, status: StatusChange) -> Option<(Option<Step>, StatusChange)> {
    Some((step, status))
}

/// Columns in [`Event::ALL`] order: Claim, Release, Contact, WonBack, Lost, Opportunity,
/// Reopen, Purchased, CartExpired. The cart is Open; the follow-up was contacted before when
/// its step says so (closed steps: contacted).
fn open_cart_table() -> Vec<Row> {
    let lost = ok(LO, Set(S::Lost));
    let opp = ok(OP, Set(S::ConvertedToOpportunity));
    vec![
        (
            None,
            [
                ok(NC, Keep),
                None,
                ok(CO, Keep),
                ok(WB, Keep),
                lost,
                opp,
                None,
                ok(None, Keep),
                ok(None, Keep),
            ],
        ),
        (
            NC,
            [
                ok(NC, Keep),
                ok(NC, Keep),
                ok(CO, Keep),
                ok(WB, Keep),
                lost,
                opp,
                None,
                ok(WB, Keep),
                ok(EX, Keep),
            ],
        ),
        (
            CO,
            [
                ok(CO, Keep),
                ok(CO, Keep),
                ok(CO, Keep),
                ok(WB, Keep),
                lost,
                opp,
                None,
                ok(WB, Keep),
                ok(EX, Keep),
            ],
        ),
        // Closed steps only reopen; the sync leaves them alone.
        (
            WB,
            [
                None,
                None,
                None,
                None,
                None,
                None,
                ok(CO, Keep),
                ok(WB, Keep),
                ok(WB, Keep),
            ],
        ),
        (
            LO,
            [
                None,
                None,
                None,
                None,
                None,
                None,
                ok(CO, Keep),
                ok(LO, Keep),
                ok(LO, Keep),
            ],
        ),
        (
            OP,
            [
                None,
                None,
                None,
                None,
                None,
                None,
                ok(CO, Keep),
                ok(OP, Keep),
                ok(OP, Keep),
            ],
        ),
        (
            EX,
            [
                None,
                None,
                None,
                None,
                None,
                None,
                ok(CO, Keep),
                ok(EX, Keep),
                ok(EX, Keep),
            ],
        ),
    ]
}

fn outcome(
    step: Option<Step>,
    status: CartStatus,
    contacted: bool,
    event: Event,
) -> Option<(Option<Step>, StatusChange)> {
    apply(step, status, contacted, event)
        .ok()
        .map(|t| (t.step, t.status))
}

#[test]
fn every_step_and_event_on_an_open_cart() {
    for (step, row) in open_cart_table() {
        let contacted = !matches!(step, None | Some(Step::NotContacted));
        for (event, want) in Event::ALL.into_iter().zip(row) {
            assert_eq!(
                outcome(step, S::Open, contacted, event),
                want,
                "{step:?} × {event:?}"
            );
        }
    }
}

#[test]
fn reopen_goes_back_to_not_contacted_when_nobody_reached_the_shopper() {
    assert_eq!(outcome(LO, S::Lost, false, E::Reopen), ok(NC, Recompute));
    assert_eq!(outcome(LO, S::Lost, true, E::Reopen), ok(CO, Recompute));
    assert_eq!(
        outcome(OP, S::ConvertedToOpportunity, true, E::Reopen),
        ok(CO, Recompute)
    );
}

#[test]
fn a_purchased_cart_takes_no_user_action_and_never_reopens() {
    for step in [None, NC, CO, WB, LO, OP, EX] {
        for event in [
            E::Claim,
            E::Release,
            E::Contact,
            E::WonBack,
            E::Lost,
            E::Opportunity,
            E::Reopen,
        ] {
            assert_eq!(
                outcome(step, S::Purchased, true, event),
                None,
                "{step:?} × {event:?}"
            );
        }
        // The sync's purchase closes what is open and leaves the rest.
        let after = outcome(step, S::Purchased, true, E::Purchased).unwrap().0;
        assert_eq!(after, if step == NC || step == CO { WB } else { step });
    }
}

#[test]
fn an_expired_cart_may_be_closed_but_not_worked() {
    assert_eq!(outcome(None, S::Expired, false, E::Claim), None);
    assert_eq!(outcome(CO, S::Expired, true, E::Contact), None);
    assert_eq!(outcome(CO, S::Expired, true, E::Lost), ok(LO, Set(S::Lost)));
    assert_eq!(outcome(CO, S::Expired, true, E::WonBack), ok(WB, Keep));
    // Expired follow-ups reopen only when the shopper came back (the cart is Open again).
    assert_eq!(outcome(EX, S::Expired, true, E::Reopen), None);
    assert_eq!(outcome(EX, S::Open, true, E::Reopen), ok(CO, Keep));
}

#[test]
fn lost_and_converted_carts_take_only_reopen() {
    for status in [S::Lost, S::ConvertedToOpportunity] {
        for event in [E::Claim, E::Contact, E::WonBack, E::Lost, E::Opportunity] {
            assert_eq!(
                outcome(None, status, false, event),
                None,
                "{status:?} × {event:?}"
            );
        }
    }
    // A cart marked lost before follow-ups existed has no follow-up: nothing to reopen here
    // (the cart's own Reopen handles it).
    assert_eq!(outcome(None, S::Lost, false, E::Reopen), None);
}

#[test]
fn refusals_are_sentences() {
    let e = apply(WB, S::Open, true, E::Contact).unwrap_err();
    assert!(e.ends_with('.') && e.contains("reopen"));
    let e = apply(CO, S::Purchased, true, E::Claim).unwrap_err();
    assert!(e.contains("already bought"));
}

#[test]
fn contact_and_opportunity_forms_name_the_wrong_field() {
    let today = NaiveDate::from_ymd_opt(2026, 12, 5).unwrap();
    let field = |e: crate::AppError| match e {
        crate::AppError::Invalid { field, .. } => field,
        other => panic!("{other:?}"),
    };
    let mut c = Contact {
        outcome: "reached".into(),
        ..Contact::default()
    };
    assert_eq!(c.validate(today).unwrap(), None);
    c.next_on = "2026-12-04".into();
    assert_eq!(field(c.validate(today).unwrap_err()), "next_on");
    c.next_on = "99999-01-01".into();
    assert_eq!(field(c.validate(today).unwrap_err()), "next_on");
    c.next_on = "2026-12-07".into();
    assert!(c.validate(today).unwrap().is_some());
    c.outcome = " ".into();
    assert_eq!(field(c.validate(today).unwrap_err()), "outcome");

    let mut o = OpportunityForm {
        name: "Ann Lee - cart 12".into(),
        budget: "129.90".into(),
        ..OpportunityForm::default()
    };
    let ok = o.validate(today).unwrap();
    assert_eq!((ok.stage, ok.probability), ("qualify", 10));
    o.budget = "lots".into();
    assert_eq!(field(o.validate(today).unwrap_err()), "budget");
    o.budget = "-1".into();
    assert_eq!(field(o.validate(today).unwrap_err()), "budget");
    o.budget = String::new();
    o.probability = "140".into();
    assert_eq!(field(o.validate(today).unwrap_err()), "probability");
    o.probability = "55%".into();
    o.stage = "proposal".into();
    assert_eq!(o.validate(today).unwrap().probability, 55);
    o.stage = "dreaming".into();
    assert_eq!(field(o.validate(today).unwrap_err()), "stage");

    assert!(check_lost_reason("  ").is_err());
    assert_eq!(check_lost_reason(" no answer ").unwrap(), "no answer");
    assert!(check_feedback(0, "").is_err());
    assert!(check_feedback(6, "").is_err());
    assert_eq!(check_feedback(5, " great ").unwrap(), "great");
}
