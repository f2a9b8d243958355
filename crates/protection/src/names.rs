//! Fieldless enums known by a contract name: `ALL`, `as_str`, `parse`,
//! `Display`, and serde as that name.

/// Declares `ALL`, `as_str`, `parse`, `Display` and serde (as the name) for
/// a fieldless enum. `$what` names the value in [`crate::UnknownName`].
macro_rules! named {
    ($name:ident, $what:literal, [$first:ident => $first_text:literal $(, $variant:ident => $text:literal)* $(,)?]) => {
        impl $name {
            /// Every value, in the contract's order.
            pub const ALL: [$name; [$name::$first $(, $name::$variant)*].len()] =
                [$name::$first $(, $name::$variant)*];

            /// The contract name.
            pub fn as_str(self) -> &'static str {
                match self {
                    $name::$first => $first_text,
                    $($name::$variant => $text,)*
                }
            }

            /// Parses a contract name exactly (no other case or spelling).
            pub fn parse(raw: &str) -> Result<$name, $crate::UnknownName> {
                $name::ALL
                    .into_iter()
                    .find(|value| value.as_str() == raw)
                    .ok_or_else(|| $crate::UnknownName::new(
                        $what,
                        raw,
                        concat!($first_text $(, ", ", $text)*),
                    ))
            }
        }

        impl std::fmt::Display for $name {
            /// The contract name.
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let raw = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                $name::parse(&raw).map_err(serde::de::Error::custom)
            }
        }
    };
}

pub(crate) use named;
