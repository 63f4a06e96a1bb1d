//! Documentation-only shapes of answers that are not one of the API's JSON types: files
//! and GeoJSON. Each operation lists every content type it can answer, so a client (or
//! the contract test) is never surprised by an undocumented one.

use utoipa::ToSchema;

/// A file's bytes.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)]
pub struct Binary(Vec<u8>);

/// GPX 1.1 (an XML document).
#[derive(ToSchema)]
#[schema(value_type = String)]
#[allow(dead_code)]
pub struct GpxDocument(String);

/// A GeoJSON `FeatureCollection`: the simplified track as a `LineString` and the stops
/// as `Point`s.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct TrackGeoJson {
    #[schema(example = "FeatureCollection")]
    r#type: String,
    #[schema(value_type = Vec<Object>)]
    features: Vec<()>,
}
