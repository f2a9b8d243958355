use chrono::{DateTime, Duration, TimeZone, Utc};
use proptest::prelude::*;

use super::*;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, 1, 12, 0, 0)
        .single()
        .expect("a valid instant")
}

#[test]
fn days_are_bounded_per_kind() {
    let cases = [
        (ExclusionKind::Timeout, -1, false),
        (ExclusionKind::Timeout, 0, false),
        (ExclusionKind::Timeout, 1, true),
        (ExclusionKind::Timeout, 42, true),
        (ExclusionKind::Timeout, 43, false),
        (ExclusionKind::SelfExclusion, 0, false),
        (ExclusionKind::SelfExclusion, 42, false),
        (ExclusionKind::SelfExclusion, 179, false),
        (ExclusionKind::SelfExclusion, 180, true),
        (ExclusionKind::SelfExclusion, 1825, true),
        (ExclusionKind::SelfExclusion, 1826, false),
        (ExclusionKind::SelfExclusion, i64::MAX, false),
    ];
    for (kind, days, ok) in cases {
        let made = Exclusion::new(kind, days, t0());
        if ok {
            let exclusion = made.expect("in bounds");
            assert_eq!(exclusion.kind(), kind);
            assert_eq!(exclusion.starts_at(), t0());
            assert_eq!(exclusion.ends_at(), t0() + Duration::days(days));
        } else {
            assert_eq!(made, Err(ExclusionError::DaysOutOfRange { kind, days }));
        }
    }
    assert_eq!(
        ExclusionError::DaysOutOfRange {
            kind: ExclusionKind::SelfExclusion,
            days: 179
        }
        .to_string(),
        "a self_exclusion lasts 180 to 1825 days, not 179"
    );
}

#[test]
fn an_exclusion_is_active_from_its_start_until_just_before_its_end() {
    let exclusion = Exclusion::new(ExclusionKind::Timeout, 1, t0()).expect("valid");
    assert!(!exclusion.is_active(t0() - Duration::nanoseconds(1)));
    assert!(exclusion.is_active(t0()));
    assert!(exclusion.is_active(t0() + Duration::hours(23)));
    assert!(!exclusion.is_active(t0() + Duration::hours(24)));
}

#[test]
fn the_block_is_the_active_exclusion_ending_last() {
    let long = Exclusion::new(ExclusionKind::SelfExclusion, 180, t0()).expect("valid");
    let short = Exclusion::new(ExclusionKind::Timeout, 7, t0() + Duration::days(1)).expect("valid");
    let ended = Exclusion::new(ExclusionKind::Timeout, 1, t0() - Duration::days(3)).expect("valid");
    let all = [ended, short, long];
    assert_eq!(blocked(&all, t0() + Duration::days(2)), Some(&long));
    assert_eq!(
        blocked(&all, t0() - Duration::days(2) - Duration::hours(1)),
        Some(&ended)
    );
    assert_eq!(blocked(&all, t0() - Duration::days(2)), None);
    assert_eq!(blocked(&all, t0() + Duration::days(180)), None);
    assert_eq!(blocked(&[], t0()), None);
}

#[test]
fn a_shorter_request_is_recorded_but_does_not_shorten_the_block() {
    let long = Exclusion::new(ExclusionKind::SelfExclusion, 365, t0()).expect("valid");
    let now = t0() + Duration::days(10);
    let new = request_exclusion(&[long], ExclusionKind::Timeout, 3, now).expect("valid");
    assert_eq!(new.exclusion.ends_at(), now + Duration::days(3));
    assert_eq!(new.blocked_until, long.ends_at());
    let longer =
        request_exclusion(&[long], ExclusionKind::SelfExclusion, 1825, now).expect("valid");
    assert_eq!(longer.blocked_until, now + Duration::days(1825));
    assert_eq!(
        request_exclusion(&[long], ExclusionKind::Timeout, 43, now),
        Err(ExclusionError::DaysOutOfRange {
            kind: ExclusionKind::Timeout,
            days: 43
        })
    );
}

#[test]
fn stored_exclusions_end_after_they_start() {
    assert_eq!(
        Exclusion::from_stored(ExclusionKind::Timeout, t0(), t0()),
        Err(ExclusionError::EndsBeforeStart)
    );
    let stored = Exclusion::from_stored(ExclusionKind::Timeout, t0(), t0() + Duration::days(2))
        .expect("valid");
    assert!(stored.is_active(t0() + Duration::days(1)));
    assert_eq!(
        Exclusion::new(ExclusionKind::Timeout, 1, DateTime::<Utc>::MAX_UTC),
        Err(ExclusionError::OutOfRange)
    );
}

#[test]
fn kinds_have_the_contract_names() {
    assert_eq!(
        ExclusionKind::ALL.map(ExclusionKind::as_str),
        ["timeout", "self_exclusion"]
    );
    for kind in ExclusionKind::ALL {
        assert_eq!(ExclusionKind::parse(kind.as_str()), Ok(kind));
    }
    assert!(ExclusionKind::parse("self-exclusion").is_err());
}

fn request() -> impl Strategy<Value = (i64, ExclusionKind, i64)> {
    (0i64..5_000, prop::bool::ANY, 0i64..2_000).prop_map(|(hours, self_exclusion, days)| {
        let kind = if self_exclusion {
            ExclusionKind::SelfExclusion
        } else {
            ExclusionKind::Timeout
        };
        (hours, kind, days)
    })
}

proptest! {
    /// (c) Whatever is asked later, and when, every exclusion keeps the player
    /// blocked until at least its end.
    #[test]
    fn an_active_exclusion_is_never_ended_early(
        requests in proptest::collection::vec(request(), 1..30),
        probes in proptest::collection::vec(0i64..3_000 * 24, 1..20),
    ) {
        let mut now = t0();
        let mut recorded: Vec<Exclusion> = Vec::new();
        for (hours, kind, days) in requests {
            now += Duration::hours(hours);
            let until_before = blocked(&recorded, now).map(Exclusion::ends_at);
            match request_exclusion(&recorded, kind, days, now) {
                Ok(new) => {
                    prop_assert!(until_before.is_none_or(|until| new.blocked_until >= until));
                    prop_assert!(new.blocked_until >= new.exclusion.ends_at());
                    recorded.push(new.exclusion);
                    let until = blocked(&recorded, now).map(Exclusion::ends_at);
                    prop_assert_eq!(until, Some(new.blocked_until));
                }
                Err(ExclusionError::DaysOutOfRange { .. }) => {
                    let bounds = kind.min_days()..=kind.max_days();
                    prop_assert!(!u32::try_from(days).is_ok_and(|d| bounds.contains(&d)));
                }
                Err(other) => prop_assert!(false, "unexpected {other}"),
            }
        }
        for probe in probes {
            let at = t0() + Duration::hours(probe);
            for exclusion in &recorded {
                if exclusion.is_active(at) {
                    let block = blocked(&recorded, at);
                    prop_assert!(block.is_some_and(|b| b.ends_at() >= exclusion.ends_at()));
                }
            }
        }
    }
}
