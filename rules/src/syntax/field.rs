//! A tree-sitter field found by name once: `Node::child_by_field_name` searches the language's list of field names
//! on every call (several hundred instructions, and the lowering and the shell analysis ask for fields of most
//! nodes).
use std::sync::OnceLock;

use tree_sitter::Node;

/// One field of one language; a `static` per field name, used with nodes of that language only.
pub(crate) struct Field {
    name: &'static str,
    /// The field's id (0: the language has no such field), found on first use.
    id: OnceLock<u16>,
}

impl Field {
    pub(crate) const fn new(name: &'static str) -> Field {
        Field {
            name,
            id: OnceLock::new(),
        }
    }

    /// The child of `node` in this field, as `node.child_by_field_name(name)` finds it.
    pub(crate) fn of<'t>(&self, node: Node<'t>) -> Option<Node<'t>> {
        let id = *self.id.get_or_init(|| self.lookup(node));
        debug_assert_eq!(
            id,
            self.lookup(node),
            "field `{}` used with another language",
            self.name
        );
        if id == 0 {
            return None;
        }
        node.child_by_field_id(id)
    }

    fn lookup(&self, node: Node) -> u16 {
        node.language()
            .field_id_for_name(self.name)
            .map_or(0, |id| id.get())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_what_the_lookup_by_name_finds() {
        static KEYWORD: Field = Field::new("keyword");
        static MISSING: Field = Field::new("no-such-field");
        let mut parser = crate::syntax::document::new_parser();
        let tree = parser.parse("FROM a\nRUN b\n", None).unwrap();
        let root = tree.root_node();
        let mut cursor = root.walk();
        for ins in root.named_children(&mut cursor) {
            assert_eq!(
                KEYWORD.of(ins).map(|n| n.byte_range()),
                ins.child_by_field_name("keyword").map(|n| n.byte_range())
            );
            assert!(KEYWORD.of(ins).is_some());
            assert!(MISSING.of(ins).is_none());
        }
    }
}
