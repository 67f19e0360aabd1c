package io.cachelab.engine.cluster;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The cluster bus wire format (cluster.h clusterMsg): a 2256-byte big-endian header beginning
 * "RCmb", then a body by type — gossip entries and ping extensions for PING/PONG/MEET, a node name
 * for FAIL, channel and message for PUBLISH(SHARD), an epoch, name and slot bitmap for UPDATE.
 * This class reads and writes bytes only; what a message means is {@link Packets}' business.
 */
final class Msg {
    static final int HEADER = 2256;
    static final int FULL = 4352;
    static final int GOSSIP = 104;
    static final int NAME = 40;
    static final int IP = 46;

    static final int PING = 0;
    static final int PONG = 1;
    static final int MEET = 2;
    static final int FAIL = 3;
    static final int PUBLISH = 4;
    static final int AUTH_REQUEST = 5;
    static final int AUTH_ACK = 6;
    static final int UPDATE = 7;
    static final int MFSTART = 8;
    static final int MODULE = 9;
    static final int PUBLISHSHARD = 10;
    static final int TYPES = 11;
    static final String[] TYPE_NAMES = {"ping", "pong", "meet", "fail", "publish", "auth-req", "auth-ack", "update",
        "mfstart", "module", "publishshard"};

    static final int MF_PAUSED = 1;
    static final int MF_FORCEACK = 2;
    static final int MF_EXT_DATA = 4;
    static final int EXT_HOSTNAME = 0;

    // header offsets (cluster.h:351-371)
    static final int OFF_TOTLEN = 4;
    static final int OFF_VER = 8;
    static final int OFF_PORT = 10;
    static final int OFF_TYPE = 12;
    static final int OFF_COUNT = 14;
    static final int OFF_CURRENT_EPOCH = 16;
    static final int OFF_CONFIG_EPOCH = 24;
    static final int OFF_OFFSET = 32;
    static final int OFF_SENDER = 40;
    static final int OFF_MYSLOTS = 80;
    static final int OFF_SLAVEOF = 2128;
    static final int OFF_MYIP = 2168;
    static final int OFF_EXTENSIONS = 2214;
    static final int OFF_PPORT = 2246;
    static final int OFF_CPORT = 2248;
    static final int OFF_FLAGS = 2250;
    static final int OFF_STATE = 2252;
    static final int OFF_MFLAGS = 2253;

    private Msg() {
    }

    static String typeName(int type) {
        return type >= 0 && type < TYPES ? TYPE_NAMES[type] : "unknown";
    }

    // ---- reading ----

    static int u16(byte[] b, int off) {
        return ((b[off] & 0xFF) << 8) | (b[off + 1] & 0xFF);
    }

    static long u32(byte[] b, int off) {
        return ((long) (b[off] & 0xFF) << 24) | ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
    }

    static long u64(byte[] b, int off) {
        return ByteBuffer.wrap(b, off, 8).getLong();
    }

    /** A 40-byte node name, or null when it is all zeros (no master). */
    static String name(byte[] b, int off) {
        boolean zero = true;
        for (int i = 0; i < NAME; i++) if (b[off + i] != 0) zero = false;
        return zero ? null : new String(b, off, NAME, StandardCharsets.ISO_8859_1);
    }

    /** A NUL-padded C string of at most {@code max} bytes. */
    static String cstring(byte[] b, int off, int max) {
        int n = 0;
        while (n < max - 1 && off + n < b.length && b[off + n] != 0) n++;
        return new String(b, off, n, StandardCharsets.ISO_8859_1);
    }

    /**
     * The length a message of this type must have (clusterProcessPacket's explen), or -1 when its
     * ping extensions are malformed; {@code why} receives the reason.
     */
    static long expectedLength(byte[] b, long totlen, StringBuilder why) {
        int type = u16(b, OFF_TYPE);
        switch (type) {
            case PING, PONG, MEET -> {
                long explen = HEADER + (long) GOSSIP * u16(b, OFF_COUNT);
                if ((b[OFF_MFLAGS] & MF_EXT_DATA) == 0) return explen;
                int exts = u16(b, OFF_EXTENSIONS);
                for (int i = 0; i < exts; i++) {
                    if (explen + 8 > totlen) {
                        why.append("extension header beyond the packet");
                        return -1;
                    }
                    long extlen = u32(b, (int) explen) & 0xFFFF;
                    if (extlen % 8 != 0 || extlen < 8) {
                        why.append("Received a ").append(typeName(type)).append(" packet without proper padding (")
                                .append(extlen).append(" bytes)");
                        return -1;
                    }
                    if (totlen - explen < extlen) {
                        why.append("Received invalid ").append(typeName(type))
                                .append(" packet with extension data that exceeds total packet length (").append(totlen).append(')');
                        return -1;
                    }
                    explen += extlen;
                }
                return explen;
            }
            case FAIL -> {
                return HEADER + NAME;
            }
            case PUBLISH, PUBLISHSHARD -> {
                if (totlen < HEADER + 8) return HEADER + 8;
                return HEADER + 8 + u32(b, HEADER) + u32(b, HEADER + 4);
            }
            case AUTH_REQUEST, AUTH_ACK, MFSTART -> {
                return HEADER;
            }
            case UPDATE -> {
                return FULL;
            }
            case MODULE -> {
                if (totlen < HEADER + 13) return HEADER + 13;
                return HEADER + 13 + u32(b, HEADER + 8);
            }
            default -> {
                return totlen;
            }
        }
    }

    /** The hostname carried by a PING/PONG/MEET's extensions, or "" when none (clusterProcessPingExt). */
    static String hostnameExtension(byte[] b, int totlen) {
        int count = u16(b, OFF_COUNT);
        int exts = u16(b, OFF_EXTENSIONS);
        int pos = HEADER + GOSSIP * count;
        String hostname = "";
        for (int i = 0; i < exts && pos + 8 <= totlen; i++) {
            int len = (int) (u32(b, pos) & 0xFFFF);
            int type = u16(b, pos + 4);
            if (len < 8 || pos + len > totlen) break;
            if (type == EXT_HOSTNAME) hostname = cstring(b, pos + 8, len - 8 + 1);
            pos += len;
        }
        return hostname;
    }

    // ---- writing ----

    /** The common header fields every message carries (clusterBuildMessageHdr). */
    record Header(int port, long currentEpoch, long configEpoch, long offset, String sender, byte[] myslots,
                  String slaveof, String myip, int pport, int cport, int flags, int state, int mflags) {
    }

    static ByteBuffer start(int type, int totlen, Header h) {
        ByteBuffer bb = ByteBuffer.allocate(totlen);
        bb.put((byte) 'R').put((byte) 'C').put((byte) 'm').put((byte) 'b');
        bb.putInt(totlen);
        bb.putShort((short) 1);
        bb.putShort((short) h.port());
        bb.putShort((short) type);
        bb.putShort((short) 0);
        bb.putLong(h.currentEpoch());
        bb.putLong(h.configEpoch());
        bb.putLong(h.offset());
        putName(bb, OFF_SENDER, h.sender());
        bb.position(OFF_MYSLOTS);
        bb.put(h.myslots());
        if (h.slaveof() != null) putName(bb, OFF_SLAVEOF, h.slaveof());
        putString(bb, OFF_MYIP, h.myip(), IP);
        bb.putShort(OFF_PPORT, (short) h.pport());
        bb.putShort(OFF_CPORT, (short) h.cport());
        bb.putShort(OFF_FLAGS, (short) h.flags());
        bb.put(OFF_STATE, (byte) h.state());
        bb.put(OFF_MFLAGS, (byte) h.mflags());
        bb.position(HEADER);
        return bb;
    }

    static void putName(ByteBuffer bb, int off, String name) {
        byte[] n = name.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < NAME; i++) bb.put(off + i, i < n.length ? n[i] : 0);
    }

    static void putString(ByteBuffer bb, int off, String s, int max) {
        byte[] v = s == null ? new byte[0] : s.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < max; i++) bb.put(off + i, i < v.length && i < max - 1 ? v[i] : 0);
    }

    /** clusterSetGossipEntry: 104 bytes about one node (times in seconds). */
    static void putGossip(ByteBuffer bb, ClusterNode n) {
        int off = bb.position();
        putName(bb, off, n.name);
        bb.putInt(off + 40, (int) (n.pingSent / 1000));
        bb.putInt(off + 44, (int) (n.pongReceived / 1000));
        putString(bb, off + 48, n.ip, IP);
        bb.putShort(off + 94, (short) n.port);
        bb.putShort(off + 96, (short) n.cport);
        bb.putShort(off + 98, (short) n.flags);
        bb.putShort(off + 100, (short) n.pport);
        bb.position(off + GOSSIP);
    }

    /** Size of a hostname extension: 8-byte header plus the NUL-terminated name padded to 8. */
    static int hostnameExtSize(String hostname) {
        return hostname.isEmpty() ? 0 : 8 + ((hostname.length() + 1 + 7) / 8) * 8;
    }

    static void putHostnameExt(ByteBuffer bb, String hostname) {
        int len = hostnameExtSize(hostname);
        int off = bb.position();
        bb.putInt(len);
        bb.putShort((short) EXT_HOSTNAME);
        bb.putShort((short) 0);
        bb.put(hostname.getBytes(StandardCharsets.ISO_8859_1));
        bb.position(off + len);
    }
}
