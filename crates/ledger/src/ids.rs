//! Ids of Kasa's records, one newtype each, so that a withdrawal's id can never
//! be passed where a deposit's is meant. Each is a UUID (version 7 when Kasa
//! makes it), shown and serialized as the bare UUID.

use std::fmt;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Declares an id newtype over `Uuid`.
macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }

        impl From<Uuid> for $name {
            fn from(id: Uuid) -> Self {
                Self(id)
            }
        }

        impl From<$name> for Uuid {
            fn from(id: $name) -> Self {
                id.0
            }
        }
    };
}

id_type!(
    /// A tenant's (operator's) id.
    TenantId
);
id_type!(
    /// A player's id.
    PlayerId
);
id_type!(
    /// A deposit's id (also its reference at the PSP).
    DepositId
);
id_type!(
    /// A withdrawal's id.
    WithdrawalId
);
id_type!(
    /// A payout attempt's id (also its reference and idempotency key at the PSP).
    AttemptId
);
id_type!(
    /// A reconciliation run's id.
    RunId
);
id_type!(
    /// A back-office (admin) user's id.
    AdminId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_shows_and_serializes_as_its_uuid() {
        let uuid = Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0001);
        let id = WithdrawalId(uuid);
        assert_eq!(id.to_string(), uuid.to_string());
        assert_eq!(
            serde_json::to_string(&id).ok(),
            serde_json::to_string(&uuid).ok()
        );
        assert_eq!(Uuid::from(id), uuid);
    }
}
