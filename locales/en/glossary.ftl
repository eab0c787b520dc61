# The words around a glossary entry (src/show/glossary.rs) and a term
# the glossary does not have (src/course/glossary.rs). The entries
# themselves are in book/src/glossary.md.

glossary-lesson = lesson { $number }
glossary-also = also: { $names }
glossary-count =
    { $count } terms. `netlab glossary TERM` shows one; `netlab lesson N`
    shows it live.
glossary-unknown =
    `{ $asked }` is not in the glossary; `netlab glossary` lists every term
glossary-unknown-closest =
    `{ $asked }` is not in the glossary; did you mean { $closest }?
