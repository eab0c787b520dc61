# What lessons 7 and 9 say when this program lacks a privilege
# (src/show/privileges.rs): the capability, and the command that grants
# it. The English are the errors' own words (src/capture/live.rs,
# src/transport/lab.rs; a test checks).

needs-net-raw = raw capture needs the CAP_NET_RAW capability, which this program does not have.
needs-net-raw-setcap = Either give it to the program once (again after every rebuild):
needs-net-raw-root = or run it as root:
needs-lab =
    the lab needs CAP_NET_ADMIN to create interfaces and firewall rules (and
    CAP_SYS_ADMIN to create and enter namespaces); run it as root: `sudo
    { $program }`
