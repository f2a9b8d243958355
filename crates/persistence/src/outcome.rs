//! The answer of an idempotent request, as stored with its effects and as
//! every caller sees it.
//!
//! A completed idempotency record holds a versioned envelope, either the
//! request's domain outcome (`{"version":1,"outcome":{…}}`, a withdrawal, a
//! deposit, a tenant …) or, for a refusal, the problem document the API sent
//! (`{"version":1,"refusal":"…"}`, opaque here). The API renders the first
//! answer and every replay from that value with the same function, so a replay
//! is byte-identical to the first answer without storage knowing about HTTP.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::{StoreError, StoreResult};

/// The envelope version written now.
const OUTCOME_VERSION: u16 = 1;

/// How an idempotent use-case answered.
#[derive(Debug)]
pub enum Idempotent<T> {
    /// It ran now and committed `T` with its effects.
    Fresh(T),
    /// An earlier request with the key and the same body completed: answer
    /// as it was answered.
    Replay(Replayed<T>),
    /// The key was used for a different request (422).
    Reused,
    /// An earlier request with the key is still running (409).
    InFlight,
}

/// What an earlier request with the key was answered.
#[derive(Debug)]
pub enum Replayed<T> {
    /// Its outcome.
    Outcome(T),
    /// It was refused, as the API worded it then.
    Refusal(Refusal),
    /// Its answer as sent by a Kasa older than stored outcomes (status and
    /// body); such records go with the retention purge.
    Legacy {
        /// The status sent.
        status: u16,
        /// The body sent.
        body: String,
    },
}

/// A refused request's answer as the API worded it (a problem document):
/// stored so that a retry with the key is answered the same; opaque here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Refusal(pub String);

/// The stored envelope.
#[derive(Serialize, Deserialize)]
struct Envelope<T> {
    version: u16,
    #[serde(flatten)]
    answer: Answer<T>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Answer<T> {
    Outcome(T),
    Refusal(Refusal),
}

/// A completed record's answer, encoded for its `outcome` column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EncodedAnswer(pub(crate) String);

/// Encodes `outcome` for storing.
pub(crate) fn encode_outcome<T: Serialize>(outcome: &T) -> StoreResult<EncodedAnswer> {
    encode(&Envelope {
        version: OUTCOME_VERSION,
        answer: Answer::Outcome(outcome),
    })
}

/// Encodes a refusal for storing.
pub(crate) fn encode_refusal(refusal: &Refusal) -> StoreResult<EncodedAnswer> {
    encode(&Envelope::<()> {
        version: OUTCOME_VERSION,
        answer: Answer::Refusal(refusal.clone()),
    })
}

fn encode<T: Serialize>(envelope: &Envelope<T>) -> StoreResult<EncodedAnswer> {
    serde_json::to_string(envelope)
        .map(EncodedAnswer)
        .map_err(|e| StoreError::Corrupt(format!("an outcome could not be encoded: {e}")))
}

/// Decodes a stored answer.
pub(crate) fn decode<T: DeserializeOwned>(stored: &str) -> StoreResult<Replayed<T>> {
    #[derive(Deserialize)]
    struct Version {
        version: u16,
    }
    let corrupt = |e: serde_json::Error| StoreError::Corrupt(format!("stored outcome: {e}"));
    let Version { version } = serde_json::from_str(stored).map_err(corrupt)?;
    if version != OUTCOME_VERSION {
        return Err(StoreError::Corrupt(format!(
            "stored outcome of version {version}"
        )));
    }
    let envelope: Envelope<T> = serde_json::from_str(stored).map_err(corrupt)?;
    Ok(match envelope.answer {
        Answer::Outcome(outcome) => Replayed::Outcome(outcome),
        Answer::Refusal(refusal) => Replayed::Refusal(refusal),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Thing {
        n: i64,
    }

    #[test]
    fn an_outcome_round_trips_in_a_versioned_envelope() {
        let encoded = encode_outcome(&Thing { n: 7 }).map(|e| e.0).ok();
        assert_eq!(
            encoded.as_deref(),
            Some(r#"{"version":1,"outcome":{"n":7}}"#)
        );
        let decoded = encoded.map(|e| decode::<Thing>(&e));
        assert!(matches!(
            decoded,
            Some(Ok(Replayed::Outcome(Thing { n: 7 })))
        ));
    }

    #[test]
    fn a_refusal_round_trips() {
        let refusal = Refusal(r#"{"status":422}"#.to_owned());
        let encoded = encode_refusal(&refusal)
            .map(|e| e.0)
            .ok()
            .unwrap_or_default();
        assert!(matches!(
            decode::<Thing>(&encoded),
            Ok(Replayed::Refusal(r)) if r == refusal
        ));
    }

    #[test]
    fn an_unknown_version_or_shape_is_corrupt() {
        assert!(decode::<Thing>(r#"{"version":2,"outcome":{"n":7}}"#).is_err());
        assert!(decode::<Thing>(r#"{"version":1,"outcome":{"m":7}}"#).is_err());
        assert!(decode::<Thing>("not json").is_err());
    }
}
