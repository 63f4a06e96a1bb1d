//! Typed identifiers, so a customer id can never be passed where an employee id is expected.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

macro_rules! typed_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[cfg_attr(feature = "openapi", schema(value_type = String, format = Uuid))]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A new time-ordered id (UUIDv7), so newer rows sort after older ones.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }
            pub fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }

        impl From<Uuid> for $name {
            fn from(u: Uuid) -> Self {
                Self(u)
            }
        }
    };
}

typed_id!(
    /// A company using Outfield; every tenant-owned row carries one.
    TenantId
);
typed_id!(DepartmentId);
typed_id!(EmployeeId);
typed_id!(CustomerId);
typed_id!(ApiKeyId);
typed_id!(DeviceId);
typed_id!(
    /// A named circle or polygon (电子围栏).
    GeofenceId
);
typed_id!(
    /// A tenant-defined visit report form (all its versions share the id).
    FormId
);
typed_id!(
    /// An uploaded photo.
    PhotoId
);
typed_id!(
    /// A report sent by e-mail on a cadence.
    ReportScheduleId
);
