use super::*;
use serde_json::json;

fn field(key: &str, t: FieldType) -> FieldInput {
    FieldInput {
        key: key.into(),
        label: key.into(),
        field_type: t,
        required: false,
        help: None,
        max_length: None,
        min: None,
        max: None,
        integer: false,
        options: Vec::new(),
        min_count: None,
        max_count: None,
    }
}

fn shelf_check() -> Form {
    FormInput {
        id: None,
        name: "门店检查".into(),
        fields: vec![
            FieldInput {
                required: true,
                max_length: Some(10),
                ..field("remark", FieldType::Text)
            },
            FieldInput {
                min: Some(0.0),
                max: Some(50.0),
                integer: true,
                ..field("facings", FieldType::Number)
            },
            FieldInput {
                min: Some(0.0),
                ..field("price", FieldType::Number)
            },
            FieldInput {
                options: vec!["good".into(), "bad".into()],
                ..field("display", FieldType::SingleSelect)
            },
            FieldInput {
                options: vec!["cola".into(), "tea".into(), "water".into()],
                min_count: Some(1),
                max_count: Some(2),
                ..field("out_of_stock", FieldType::MultiSelect)
            },
            field("next_visit", FieldType::Date),
            FieldInput {
                required: true,
                ..field("promo", FieldType::Boolean)
            },
            FieldInput {
                required: true,
                min_count: Some(2),
                max_count: Some(3),
                ..field("shelf_photos", FieldType::Photo)
            },
            field("signature", FieldType::Signature),
        ],
    }
    .validate()
    .unwrap()
    .into_form(FormId::new(), 3)
}

#[test]
fn good_answers_are_normalised() {
    let form = shelf_check();
    let (p1, p2) = (PhotoId::new(), PhotoId::new());
    let a = validate_answers(
        &form,
        &json!({
            "remark": "  整洁  ",
            "facings": 12.0,
            "price": 3.5,
            "display": "good",
            "out_of_stock": ["tea"],
            "next_visit": "2026-12-01",
            "promo": false,
            "shelf_photos": [p1.to_string(), p2.to_string()],
            "signature": null,
        }),
    )
    .unwrap();
    assert_eq!(a.form_version, 3);
    assert_eq!(a.answers["remark"], Answer::Text("整洁".into()));
    assert_eq!(a.answers["facings"], Answer::Integer(12));
    assert_eq!(a.answers["price"], Answer::Number(3.5));
    assert_eq!(
        a.answers["promo"],
        Answer::Bool(false),
        "false answers a required boolean"
    );
    assert_eq!(
        a.answers["next_visit"],
        Answer::Date(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap())
    );
    assert!(!a.answers.contains_key("signature"));
    assert_eq!(a.photo_ids(), [p1, p2]);
    let json = serde_json::to_value(&a).unwrap();
    assert_eq!(json["answers"]["facings"], json!(12));
    assert_eq!(json["answers"]["next_visit"], json!("2026-12-01"));
}

#[test]
fn each_bad_answer_is_named_by_its_key() {
    let form = shelf_check();
    let e = validate_answers(
        &form,
        &json!({
            "remark": "01234567890",
            "facings": 2.5,
            "price": -1,
            "display": "ok",
            "out_of_stock": ["cola", "tea", "water"],
            "next_visit": "next week",
            "promo": "yes",
            "shelf_photos": [PhotoId::new().to_string()],
            "signature": "not-a-uuid",
            "colour": "red",
        }),
    )
    .unwrap_err();
    let fields: Vec<_> = e.problems.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "remark",
            "facings",
            "price",
            "display",
            "out_of_stock",
            "next_visit",
            "promo",
            "shelf_photos",
            "signature",
            "colour"
        ]
    );
    assert_eq!(e.problems[9].problem.code(), "unknown_field");
}

#[test]
fn required_fields_and_empty_values() {
    let form = shelf_check();
    let e = validate_answers(&form, &json!({"remark": "  ", "shelf_photos": []})).unwrap_err();
    let fields: Vec<_> = e
        .problems
        .iter()
        .map(|p| (p.field.as_str(), p.problem.code()))
        .collect();
    assert_eq!(
        fields,
        [
            ("remark", "required"),
            ("promo", "required"),
            ("shelf_photos", "required")
        ]
    );
    assert_eq!(
        validate_answers(&form, &json!([])).unwrap_err().problems[0].field,
        "answers"
    );
}

#[test]
fn duplicates_and_integer_limits() {
    let form = shelf_check();
    let p = PhotoId::new().to_string();
    let base =
        json!({"remark": "x", "promo": true, "shelf_photos": [p, PhotoId::new().to_string()]});
    let with = |k: &str, v: Value| {
        let mut b = base.clone();
        b[k] = v;
        validate_answers(&form, &b)
    };
    assert!(with("shelf_photos", json!([p, p])).is_err());
    assert!(with("out_of_stock", json!(["tea", "tea"])).is_err());
    assert!(with("facings", json!(50)).is_ok());
    assert!(with("facings", json!(51)).is_err());
    assert!(with("remark", json!("a\u{0}b")).is_err());
    assert!(with("remark", json!("第一行\n第二行")).is_ok());
}

#[test]
fn form_definition_is_checked() {
    let e = FormInput {
        id: None,
        name: "x".into(),
        fields: vec![
            field("Bad Key", FieldType::Text),
            FieldInput {
                max_length: Some(10),
                ..field("n", FieldType::Number)
            },
            field("choice", FieldType::SingleSelect),
            FieldInput {
                min: Some(5.0),
                max: Some(1.0),
                ..field("n2", FieldType::Number)
            },
            FieldInput {
                min_count: Some(5),
                max_count: Some(2),
                ..field("photos", FieldType::Photo)
            },
            FieldInput {
                options: vec!["a".into(), "a".into()],
                ..field("multi", FieldType::MultiSelect)
            },
            field("n", FieldType::Boolean),
        ],
    }
    .validate()
    .unwrap_err();
    let fields: Vec<_> = e.problems.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "fields[0].key",
            "fields[1].max_length",
            "fields[2].options",
            "fields[3].max",
            "fields[4].min_count",
            "fields[5].options[1]",
            "fields[6].key"
        ]
    );
    let empty = FormInput {
        id: None,
        name: "x".into(),
        fields: vec![],
    };
    assert_eq!(empty.validate().unwrap_err().problems[0].field, "fields");
    let unknown =
        json!({"name": "x", "fields": [{"key": "a", "label": "A", "type": "text", "colour": 1}]});
    assert!(serde_json::from_value::<FormInput>(unknown).is_err());
}

#[test]
fn stored_shape_round_trips() {
    let form = shelf_check();
    let out = form.output();
    let json = serde_json::to_value(&out.fields).unwrap();
    let again: Vec<FieldInput> = serde_json::from_value(json).unwrap();
    let redone = FormInput {
        id: None,
        name: out.name.clone(),
        fields: again,
    }
    .validate()
    .unwrap()
    .into_form(form.id, form.version);
    assert_eq!(redone, form);
}
