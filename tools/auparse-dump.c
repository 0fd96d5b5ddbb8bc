/*
 * auparse-dump: prints what libauparse makes of an audit log, for comparison with dmaudit's decoder
 * (AuparseAgreementTest). Raw field text only (auparse_get_field_str, never interpreted), so the
 * output does not depend on this machine's users, groups or arch tables.
 *
 * Output, one item a line; values escape backslash, tab, newline and other control bytes as \xHH:
 *   E <serial>                   an event
 *   R <line> <type name>         a record, with its line number in the file
 *   F <name>\t<value>            a field of that record, in auparse's order
 * With -i (AuparseInterpretTest), each F line also carries auparse's field type number and
 * auparse_interpret_field(): F <name>\t<value>\t<type>\t<interpreted>. Interpretation looks
 * uids and gids up on this machine, so that output is only comparable on the same machine.
 *
 * Build (Debian: apt-get install libauparse-dev): cc -O2 -Wall -o auparse-dump tools/auparse-dump.c -lauparse
 * With -c (tools/bench-decoders), it reads every field the same way but prints only the totals:
 * "<events> events <records> records <fields> fields" (auparse's parsing cost without output).
 * Usage: auparse-dump [-i|-c] AUDIT_LOG
 */
#include <auparse.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

static void put_escaped(const char *s) {
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '\\') {
            fputs("\\\\", stdout);
        } else if (*p < 0x20 || *p == 0x7f) {
            printf("\\x%02x", *p);
        } else {
            putchar(*p);
        }
    }
}

int main(int argc, char **argv) {
    int interpret = argc == 3 && strcmp(argv[1], "-i") == 0;
    int count = argc == 3 && strcmp(argv[1], "-c") == 0;
    if (argc != 2 + interpret + count) {
        fprintf(stderr, "usage: %s [-i|-c] AUDIT_LOG\n", argv[0]);
        return 2;
    }
    const char *path = argv[1 + interpret + count];
    unsigned long events = 0, records = 0, fields = 0, bytes = 0;
    auparse_state_t *au = auparse_init(AUSOURCE_FILE, path);
    if (au == NULL) {
        fprintf(stderr, "auparse-dump: auparse_init(%s): %s\n", path, strerror(errno));
        return 1;
    }
    int rc;
    while ((rc = auparse_next_event(au)) > 0) {
        events++;
        if (count) {
            if (auparse_first_record(au) <= 0) {
                continue;
            }
            do {
                records++;
                if (auparse_first_field(au) <= 0) {
                    continue;
                }
                do {
                    const char *name = auparse_get_field_name(au);
                    const char *value = auparse_get_field_str(au);
                    // used, so the walk cannot be optimised away
                    bytes += (name ? strlen(name) : 0) + (value ? strlen(value) : 0);
                    fields++;
                } while (auparse_next_field(au) > 0);
            } while (auparse_next_record(au) > 0);
            continue;
        }
        printf("E %lu\n", auparse_get_serial(au));
        if (auparse_first_record(au) <= 0) {
            continue;
        }
        do {
            const char *type = auparse_get_type_name(au);
            printf("R %u %s\n", auparse_get_line_number(au), type ? type : "?");
            if (auparse_first_field(au) <= 0) {
                continue;
            }
            do {
                const char *name = auparse_get_field_name(au);
                const char *value = auparse_get_field_str(au);
                fputs("F ", stdout);
                put_escaped(name ? name : "");
                putchar('\t');
                put_escaped(value ? value : "");
                if (interpret) {
                    // Read before interpreting: auparse_interpret_field may reuse its buffers.
                    int type = auparse_get_field_type(au);
                    const char *shown = auparse_interpret_field(au);
                    printf("\t%d\t", type);
                    put_escaped(shown ? shown : "");
                }
                putchar('\n');
            } while (auparse_next_field(au) > 0);
        } while (auparse_next_record(au) > 0);
    }
    auparse_destroy(au);
    if (count) {
        printf("%lu events %lu records %lu fields %lu bytes\n", events, records, fields, bytes);
    }
    if (rc < 0) {
        fprintf(stderr, "auparse-dump: auparse_next_event: %s\n", strerror(errno));
        return 1;
    }
    return fflush(stdout) == 0 ? 0 : 1;
}
