//! What to do with a request whose key may have been seen before.

use crate::Fingerprint;

/// State of a stored record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordState {
    /// A processor holds the key until its lease expires.
    InFlight {
        /// When the lease ends, in milliseconds since the Unix epoch.
        lease_expires_at_ms: i64,
    },
    /// The response is stored.
    Completed,
}

/// The stored record for the same (tenant, principal, key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExistingRecord {
    /// Fingerprint of the request that created it.
    pub fingerprint: Fingerprint,
    /// Its state.
    pub state: RecordState,
}

/// What the contract says to do with an incoming request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// First time this key is seen: process the request.
    Start,
    /// Same request, completed: answer with the stored status and body.
    Replay,
    /// Same key, different method, path or body: `422 idempotency_key_reused`.
    Reused,
    /// Same request, still being processed: `409 idempotency_key_in_flight`.
    InFlight,
    /// Same request whose processor's lease expired (it died or hung):
    /// process it again under a new lease.
    ///
    /// Safe because the storage layer completes a record only while it still
    /// holds the lease token it took, in the same database transaction as the
    /// request's effects. If the old processor is in fact alive, it and the
    /// new one race, but the token changed on take-over, so at most one of
    /// them can commit its effects; the other rolls back.
    TakeOver,
}

/// Decides what to do with a request with fingerprint `incoming`, given the
/// stored record for its key (if any) and the current time `now_ms` (ms since
/// the Unix epoch). A lease ends at `lease_expires_at_ms`: from that instant
/// on it is expired.
///
/// A different fingerprint is [`Decision::Reused`] whatever the record's
/// state: a key must never be reused for another request, even after the
/// first one finished.
pub fn decide(existing: Option<&ExistingRecord>, incoming: &Fingerprint, now_ms: i64) -> Decision {
    let Some(existing) = existing else {
        return Decision::Start;
    };
    if existing.fingerprint != *incoming {
        return Decision::Reused;
    }
    match existing.state {
        RecordState::Completed => Decision::Replay,
        RecordState::InFlight {
            lease_expires_at_ms,
        } if now_ms < lease_expires_at_ms => Decision::InFlight,
        RecordState::InFlight { .. } => Decision::TakeOver,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fingerprint;
    use proptest::prelude::*;

    fn same() -> Fingerprint {
        fingerprint("POST", "/x", b"{}")
    }

    fn record(state: RecordState) -> ExistingRecord {
        ExistingRecord {
            fingerprint: same(),
            state,
        }
    }

    #[test]
    fn a_new_key_starts() {
        assert_eq!(decide(None, &same(), 0), Decision::Start);
    }

    #[test]
    fn the_same_completed_request_is_replayed() {
        assert_eq!(
            decide(Some(&record(RecordState::Completed)), &same(), i64::MAX),
            Decision::Replay
        );
        let reformatted = fingerprint("post", "/x", b" { } ");
        assert_eq!(
            decide(Some(&record(RecordState::Completed)), &reformatted, 0),
            Decision::Replay
        );
    }

    #[test]
    fn a_running_request_is_in_flight_until_its_lease_ends() {
        let running = record(RecordState::InFlight {
            lease_expires_at_ms: 100,
        });
        assert_eq!(
            decide(Some(&running), &same(), i64::MIN),
            Decision::InFlight
        );
        assert_eq!(decide(Some(&running), &same(), 99), Decision::InFlight);
        assert_eq!(decide(Some(&running), &same(), 100), Decision::TakeOver);
        assert_eq!(
            decide(Some(&running), &same(), i64::MAX),
            Decision::TakeOver
        );
    }

    #[test]
    fn another_request_with_the_key_is_reused_in_any_state() {
        let other = fingerprint("POST", "/x", br#"{"a":1}"#);
        let states = [
            RecordState::Completed,
            RecordState::InFlight {
                lease_expires_at_ms: 100,
            },
            RecordState::InFlight {
                lease_expires_at_ms: -100,
            },
        ];
        for state in states {
            assert_eq!(
                decide(Some(&record(state)), &other, 0),
                Decision::Reused,
                "{state:?}"
            );
        }
    }

    fn fingerprint_value() -> impl Strategy<Value = Fingerprint> {
        prop_oneof!["[0-9a-f]{64}", "[0-9a-f]{1}", ".{0,8}"].prop_map(Fingerprint::from_stored)
    }

    fn state() -> impl Strategy<Value = RecordState> {
        prop_oneof![
            Just(RecordState::Completed),
            any::<i64>().prop_map(|lease_expires_at_ms| RecordState::InFlight {
                lease_expires_at_ms
            }),
        ]
    }

    proptest! {
        #[test]
        fn decide_is_total_and_follows_the_contract(
            stored in proptest::option::of((fingerprint_value(), state())),
            incoming in fingerprint_value(),
            same_request in any::<bool>(),
            now in any::<i64>(),
        ) {
            let existing = stored.map(|(fingerprint, state)| ExistingRecord {
                fingerprint: if same_request { incoming.clone() } else { fingerprint },
                state,
            });
            let expected = match &existing {
                None => Decision::Start,
                Some(r) if r.fingerprint != incoming => Decision::Reused,
                Some(ExistingRecord { state: RecordState::Completed, .. }) => Decision::Replay,
                Some(ExistingRecord { state: RecordState::InFlight { lease_expires_at_ms }, .. }) => {
                    if now < *lease_expires_at_ms { Decision::InFlight } else { Decision::TakeOver }
                }
            };
            prop_assert_eq!(decide(existing.as_ref(), &incoming, now), expected);
        }

        #[test]
        fn differing_fingerprints_are_always_reused(
            a in ".{0,40}",
            b in ".{0,40}",
            state in state(),
            now in any::<i64>(),
        ) {
            let (stored, incoming) = (fingerprint("POST", "/x", a.as_bytes()), fingerprint("POST", "/x", b.as_bytes()));
            prop_assume!(stored != incoming);
            let existing = ExistingRecord { fingerprint: stored, state };
            prop_assert_eq!(decide(Some(&existing), &incoming, now), Decision::Reused);
        }
    }
}
