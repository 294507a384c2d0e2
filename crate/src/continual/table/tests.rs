//! The CSV table reader: headers, separators, labels in order, splits, and bad files named by row
//! and column.

use super::*;

fn field_and_message(text: &str) -> String {
    match Table::parse_csv(text) {
        Ok(_) => "parsed".to_owned(),
        Err(e) => e.to_string(),
    }
}

#[test]
fn a_table_with_a_header_and_named_labels() {
    let t = Table::parse_csv(
        "petal length,petal width,species\n1.4,0.2,setosa\n\n4.7,1.4,versicolor\r\n1.3,0.2,setosa\n4.5,1.5,versicolor\n",
    )
    .expect("a table");
    assert_eq!(t.features, ["petal length", "petal width"]);
    assert_eq!(t.classes, ["setosa", "versicolor"]);
    assert_eq!(t.data.dim, 2);
    assert_eq!(t.data.labels, [0, 1, 0, 1]);
    assert_eq!(t.data.input(1), [4.7, 1.4]);
}

#[test]
fn no_header_semicolons_quotes_and_numeric_labels_in_value_order() {
    let t = Table::parse_csv("\"1\";2;10\n3;4;2\n5;6;10\n7;8;2\n").expect("a table");
    assert_eq!(t.features, ["x1", "x2"]);
    // 2 before 10: numbers by value, not as text
    assert_eq!(t.classes, ["2", "10"]);
    assert_eq!(t.data.labels, [1, 0, 1, 0]);
    let t = Table::parse_csv("0.5\t1\ta\n0.25\t2\tb\n1\t3\ta\n2\t4\tb\n").expect("tabs");
    assert_eq!(t.data.input(0), [0.5, 1.0]);
}

#[test]
fn an_order_relabels_the_classes_and_a_bad_one_is_named() {
    let text = "1,1,b\n2,2,a\n3,3,c\n4,4,b\n5,5,a\n6,6,c\n";
    let t = Table::parse_csv(text).expect("table");
    assert_eq!(t.classes, ["a", "b", "c"]);
    let order = |names: &[&str]| names.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    let t = t.ordered(&order(&["c", "a", "b"])).expect("ordered");
    assert_eq!(t.classes, ["c", "a", "b"]);
    assert_eq!(t.data.labels, [2, 1, 0, 2, 1, 0]);
    assert_eq!(t.summary().counts, [2, 2, 2]);
    let config = TableConfig {
        csv: text.into(),
        order: order(&["c", "a"]),
        ..Default::default()
    };
    let e = config.validate().expect_err("missing");
    assert_eq!(e.field(), Some("order"));
    assert!(e.to_string().contains("\"b\" is missing"), "{e}");
    let config = TableConfig {
        order: order(&["c", "a", "a"]),
        ..config
    };
    assert!(
        config
            .validate()
            .expect_err("twice")
            .to_string()
            .contains("twice")
    );
    let config = TableConfig {
        order: order(&["c", "a", "z"]),
        ..config
    };
    assert!(
        config
            .validate()
            .expect_err("foreign")
            .to_string()
            .contains("\"z\" is not a label")
    );
}

#[test]
fn bad_files_name_the_row_and_column() {
    let m = field_and_message("a,b,y\n1,2,p\n1,x,q\n3,4,p\n5,6,q\n");
    assert!(
        m.contains("`data`") && m.contains("row 3, column 2 (b)") && m.contains("\"x\""),
        "{m}"
    );
    let m = field_and_message("1,2,p\n1,2,3,q\n3,4,p\n5,6,q\n");
    assert!(m.contains("row 2: 4 cells where row 1 has 3"), "{m}");
    let m = field_and_message("1,2,p\n1,NaN,q\n3,4,p\n5,6,q\n");
    assert!(
        m.contains("row 2, column 2") && m.contains("not a finite number"),
        "{m}"
    );
    let m = field_and_message("1,2,p\ninf,2,q\n3,4,p\n5,6,q\n");
    assert!(
        m.contains("row 2, column 1") && m.contains("not a finite number"),
        "{m}"
    );
    let m = field_and_message("1,2,p\n1,,q\n3,4,p\n5,6,q\n");
    assert!(m.contains("row 2, column 2") && m.contains("empty"), "{m}");
    let m = field_and_message("1,2,p\n3,4,p\n5,6,q\n");
    assert!(
        m.contains("row 3, column 3 (label)") && m.contains("single example"),
        "{m}"
    );
    let m = field_and_message("1,2,p\n3,4,p\n");
    assert!(m.contains("at least 2 classes"), "{m}");
    let many: String = (0..42).map(|i| format!("{i},{i},c{}\n", i / 2)).collect();
    let m = field_and_message(&many);
    assert!(
        m.contains("21 different labels") && m.contains("at most 20"),
        "{m}"
    );
    let wide = format!("{}y\n", "1,".repeat(785));
    assert!(field_and_message(&wide).contains("785 features"));
    assert!(field_and_message("").contains("no rows"));
    assert!(field_and_message("a,b,y\n").contains("no rows"));
    assert!(field_and_message("1\n2\n").contains("single column"));
}

#[test]
fn the_held_out_split_keeps_every_class_on_both_sides_and_is_seeded() {
    let text: String = (0..30)
        .map(|i| format!("{i},{},{}\n", i * 2, ["a", "b", "c"][i % 3]))
        .collect();
    let t = Table::parse_csv(&text).expect("a table");
    let (train, test) = t.split(0.2, 7).expect("a split");
    assert_eq!(train.len() + test.len(), 30);
    for class in 0..3 {
        assert_eq!(test.labels.iter().filter(|&&l| l == class).count(), 2);
        assert_eq!(train.labels.iter().filter(|&&l| l == class).count(), 8);
    }
    assert_eq!(t.split(0.2, 7).expect("again").1, test);
    assert_ne!(t.split(0.2, 8).expect("another seed").1, test);
    assert_eq!(
        t.split(1.0, 7).expect_err("no share").field(),
        Some("testShare")
    );
    // two examples of a class: one each side
    let t = Table::parse_csv("1,1,a\n2,2,a\n3,3,b\n4,4,b\n").expect("a table");
    let (train, test) = t.split(0.9, 0).expect("a split");
    assert_eq!((train.len(), test.len()), (2, 2));
}
