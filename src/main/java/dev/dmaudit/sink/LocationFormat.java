package dev.dmaudit.sink;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.dmaudit.locate.Location;
import java.io.IOException;

/** A {@link Location} as JSON and as text: in events ({@code listen/decode --locate}) and alone ({@code locate}). */
public final class LocationFormat {
    private LocationFormat() {
    }

    /**
     * Writes {@code "location": {...}} (README "JSON output").
     *
     * @param gen where, inside an open object
     * @param l   the location
     * @throws IOException when writing fails
     */
    public static void json(JsonGenerator gen, Location l) throws IOException {
        gen.writeFieldName("location");
        object(gen, l);
    }

    /**
     * @param l the location
     * @return the location object alone as JSON text (the history's {@code location} column)
     */
    public static String jsonText(Location l) {
        java.io.StringWriter w = new java.io.StringWriter();
        try (JsonGenerator gen = new com.fasterxml.jackson.core.JsonFactory().createGenerator(w)) {
            object(gen, l);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // a StringWriter does not fail
        }
        return w.toString();
    }

    /**
     * What a failure damaged, without the place inside it: a file's first path (or its inode), else
     * the kind and its detail. The history counts failures per such key ({@code report}'s files).
     *
     * @param l the location
     * @return the key
     */
    public static String damaged(Location l) {
        if (l.kind() == Location.Kind.FILE) {
            return l.paths().isEmpty() ? "inode " + l.inode() : l.paths().get(0);
        }
        return l.kind().jsonName() + (l.detail() == null ? "" : ": " + l.detail());
    }

    private static void object(JsonGenerator gen, Location l) throws IOException {
        gen.writeStartObject();
        gen.writeStringField("kind", l.kind().jsonName());
        gen.writeStringField("filesystem", l.filesystem());
        gen.writeStringField("fs_device", l.fsDevice());
        gen.writeStringField("mount_point", l.mountPoint());
        gen.writeArrayFieldStart("paths");
        for (String p : l.paths()) {
            gen.writeString(p);
        }
        gen.writeEndArray();
        writeNullable(gen, "inode", l.inode());
        writeNullable(gen, "file_offset", l.fileOffset());
        writeNullable(gen, "fs_block", l.fsBlock());
        gen.writeArrayFieldStart("inodes");
        for (Long i : l.inodes()) {
            gen.writeNumber(i);
        }
        gen.writeEndArray();
        gen.writeStringField("detail", l.detail());
        gen.writeArrayFieldStart("chain");
        for (Location.Step st : l.chain()) {
            gen.writeStartObject();
            gen.writeStringField("device", st.device());
            gen.writeStringField("name", st.name());
            gen.writeStringField("target", st.target());
            gen.writeNumberField("sector", st.sector());
            if (st.note() != null) {
                gen.writeStringField("note", st.note());
            }
            gen.writeEndObject();
        }
        gen.writeEndArray();
        gen.writeEndObject();
    }

    private static void writeNullable(JsonGenerator gen, String name, Long v) throws IOException {
        if (v == null) {
            gen.writeNullField(name);
        } else {
            gen.writeNumberField(name, v);
        }
    }

    /**
     * One readable phrase: {@code /srv/db/table.ibd @ 1,048,576 (ext4 on /dev/mapper/crypt)}.
     * Paths are file names anyone may have chosen: made visible like every untrusted value.
     *
     * @param l the location
     * @return the phrase
     */
    public static String text(Location l) {
        StringBuilder b = new StringBuilder();
        String paths = String.join(", ", l.paths().stream().map(Sanitize::visible).toList());
        switch (l.kind()) {
            case FILE -> {
                b.append(paths.isEmpty() ? "inode " + l.inode() + " (no path found)" : paths);
                if (l.fileOffset() != null) {
                    b.append(" @ ").append(String.format(java.util.Locale.ROOT, "%,d", l.fileOffset()));
                }
            }
            case METADATA -> {
                b.append(l.filesystem()).append(" metadata: ").append(Sanitize.visible(l.detail()));
                if (!l.inodes().isEmpty()) {
                    b.append(", inodes ").append(l.inodes().stream().map(String::valueOf)
                            .collect(java.util.stream.Collectors.joining(" ")));
                } else if (l.inode() != null) {
                    b.append(" of inode ").append(l.inode());
                }
                if (!paths.isEmpty()) {
                    b.append(" (").append(paths).append(')');
                }
            }
            case FREE -> b.append("free space");
            case OUTSIDE -> b.append("outside the filesystem: ").append(Sanitize.visible(l.detail()));
            case UNSUPPORTED -> b.append("not located: ").append(Sanitize.visible(l.detail()));
            default -> b.append("location unknown: ").append(Sanitize.visible(l.detail()));
        }
        if (l.fsBlock() != null && l.kind() != Location.Kind.FILE) {
            b.append(", fs block ").append(l.fsBlock());
        }
        if (l.filesystem() != null && l.fsDevice() != null) {
            b.append(" (").append(l.filesystem()).append(" on ").append(Sanitize.visible(l.fsDevice())).append(')');
        }
        return b.toString();
    }

}
