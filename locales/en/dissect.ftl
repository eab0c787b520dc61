# The notes `netlab dissect` writes around the fields (src/show/packet.rs)
# and the words of the tool itself (src/tools/dissect.rs). The fields, the
# layer names and the tcpdump-like summary stay as they are.

## A frame's problem, in the tree and the summary line

dissect-truncated = (truncated: { $error })
dissect-malformed = (malformed: { $error })
# A header the snapshot length cut, after its name in the tree.
dissect-cut-header = {" "}(cut: { $available } of its { $needed } bytes)
# A header inside the packet an ICMP error quotes.
# The head line of each layer in the tree: its name, where it sits in
# both models, and its bytes.
dissect-head = ▸ { $title }{ $quoted }{ $cut } · OSI { $osi } { $osi_name } · TCP/IP { $tcpip } · bytes { $start }–{ $end } ({ $len })
dissect-data = ▸ data · bytes { $start }–{ $end } ({ $len })
dissect-undissected = {" "}· { $what }, not dissected
dissect-quoted = {" "}(quoted)
dissect-cut = (cut: { $layer } needs { $needed } bytes, the capture kept { $available })
dissect-capture-kept =
    {"  "}(capture kept { $captured } of { $original } bytes: the rest was
    cut off by the snapshot length)
# After the summary line (Chinese needs no space before its bracket).
dissect-summary-cut-in =
    {" "}(cut: { $layer } needs { $needed } bytes; captured { $captured } of
    { $original } bytes)
dissect-summary-cut = {" "}(cut: captured { $captured } of { $original } bytes)
dissect-summary-problem = {" "}{ $problem }

## What an ICMP error quotes: dissect-note holds one of the first two,
## then dissect-quote-cut if the quote ends inside a header.

dissect-note = {"  "}({ $note })
dissect-quote-of =
    the ICMP error quotes { $length } of the { $original } bytes of the
    packet that caused it
dissect-quote = the ICMP error quotes { $length } bytes of the packet that caused it
dissect-quote-cut =
    ; the quote ends { $available } bytes into its { $needed }-byte { $layer }
    header: cut by the sender, not malformed

## The tool (src/tools/dissect.rs)

dissect-frame =
    Frame { $number }: { $captured } bytes captured, { $original } on the
    wire, { $link }
dissect-comment = {" "}— comment: { $comment }
dissect-after-frame =
    { $input } after frame { $number }: the frames before it were shown
dissect-reading-hex = reading the hex input
dissect-hex-line = line { $line } of the hex input
dissect-hex-odd = { $count } hex digits: bytes need an even number
dissect-hex-byte = `{ $text }` is not a hex byte
dissect-opening = opening { $input }
dissect-writing = writing the output
