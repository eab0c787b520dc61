# The errors of reading and writing capture files (src/capture/file/),
# which `netlab dissect FILE` prints on one line after the file's name.

capture-io = reading or writing the capture failed: { $error }
capture-too-short =
    the file is { $length } bytes long, too short for the 4-byte magic
    number that says which format a capture file is in
capture-not-a-capture =
    not a capture file: it starts with { $magic }, not a pcap (a1b2c3d4 /
    a1b23c4d / a1b2cd34, either byte order) or pcapng (0a0d0d0a) magic number
capture-bad-header = the { $format } file header is damaged: { $reason }
capture-corrupt = the capture is damaged at frame { $frame }: { $reason }
capture-wrong-link-type =
    cannot write a { $frame } frame to a file whose interface is { $file }:
    every frame of a pcapng interface has its link type
capture-unwritable = cannot write this to a pcapng file: { $reason }

## The reason of a damaged header, record or block: $what is header,
## record (pcap) or block (pcapng).

capture-ends-cut =
    the file ends in the middle of this { $what }: it was cut short, or a
    length field is damaged
capture-ends = the file ends in the middle of this { $what }
# pcapng readers "MUST NOT assume an option list will have an opt_endofopt
# option at the end"; pcap-file 2.0.0 does.
capture-no-endofopt =
    an option list in this { $what } does not end with opt_endofopt; the
    pcapng spec allows that, but pcap-file 2.0.0 rejects it
# $field is pcap-file's own description, in English.
capture-invalid-field = a field of this { $what } is invalid ({ $field })
capture-not-utf8 =
    a text option of this { $what } (a comment or a name) is not UTF-8
capture-unknown-interface =
    this { $what } names interface { $id }, which is not described
capture-missing-interface =
    the packet says it came from interface { $id }, but this section
    describes { $known } interface(s) before it
