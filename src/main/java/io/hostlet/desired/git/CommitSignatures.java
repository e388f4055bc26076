package io.hostlet.desired.git;

import org.bouncycastle.bcpg.sig.IssuerFingerprint;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPPublicKeyRingCollection;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentVerifierBuilderProvider;
import org.eclipse.jgit.revwalk.RevCommit;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Checks that a commit carries a valid OpenPGP signature ({@code gpgsig} header, as {@code git commit -S} writes it)
 * made by one of the keys in a file. The file is the whole trust decision: there is no web of trust, expiry or
 * revocation lookup — to stop trusting a key, remove it from the file. Only OpenPGP signatures are understood
 * (not ssh or X.509 ones).
 */
final class CommitSignatures {

    private static final String BEGIN = "-----BEGIN PGP PUBLIC KEY BLOCK-----";

    private final Path keysFile;

    /** Reads {@code keysFile} once to fail early on a missing or unreadable file. */
    CommitSignatures(Path keysFile) {
        this.keysFile = keysFile;
        try {
            if (load(keysFile).size() == 0) {
                throw new IllegalArgumentException("hostlet.git.signing-keys-file " + keysFile + " holds no public key");
            }
        } catch (IOException | PGPException e) {
            throw new IllegalArgumentException("cannot read hostlet.git.signing-keys-file " + keysFile + ": " + e.getMessage(), e);
        }
    }

    /**
     * Throws when {@code commit} is not signed by an allowed key. The file is read again each time, so keys can be
     * added or removed without a restart.
     */
    void check(RevCommit commit) throws SyncException {
        String sha = commit.abbreviate(12).name();
        byte[] armored = commit.getRawGpgSignature();
        if (armored == null) {
            throw refused("refused: commit " + sha + " is not signed");
        }
        PGPPublicKeyRingCollection keys;
        try {
            keys = load(keysFile);
        } catch (IOException | PGPException e) {
            throw new SyncException("cannot read hostlet.git.signing-keys-file " + keysFile + ": " + e.getMessage(),
                    SyncException.Kind.REFUSED, e);
        }
        PGPSignature signature;
        try {
            signature = parseSignature(armored);
        } catch (IOException | RuntimeException e) {
            throw refused("refused: commit " + sha + " has a signature that is not OpenPGP or cannot be read");
        }
        if (signature == null) {
            throw refused("refused: commit " + sha + " has a signature that is not OpenPGP or cannot be read");
        }
        PGPPublicKey key = signer(keys, signature);
        if (key == null) {
            throw refused("refused: commit " + sha + " is signed by key " + keyName(signature)
                    + ", which is not in hostlet.git.signing-keys-file");
        }
        try {
            signature.init(new BcPGPContentVerifierBuilderProvider(), key);
            signature.update(signedPayload(commit.getRawBuffer()));
            if (!signature.verify()) {
                throw refused("refused: commit " + sha + " has a bad signature (its content does not match what key "
                        + keyName(signature) + " signed)");
            }
        } catch (PGPException e) {
            throw refused("refused: commit " + sha + ": cannot check its signature: " + e.getMessage());
        }
    }

    private static SyncException refused(String message) {
        return new SyncException(message, SyncException.Kind.REFUSED);
    }

    private static PGPPublicKey signer(PGPPublicKeyRingCollection keys, PGPSignature signature) {
        IssuerFingerprint fp = signature.getHashedSubPackets() == null ? null
                : signature.getHashedSubPackets().getIssuerFingerprint();
        if (fp != null) {
            PGPPublicKey k = keys.getPublicKey(fp.getFingerprint());
            if (k != null) {
                return k;
            }
        }
        return signature.getKeyID() == 0 ? null : keys.getPublicKey(signature.getKeyID());
    }

    private static String keyName(PGPSignature signature) {
        IssuerFingerprint fp = signature.getHashedSubPackets() == null ? null
                : signature.getHashedSubPackets().getIssuerFingerprint();
        if (fp != null) {
            return HexFormat.of().withUpperCase().formatHex(fp.getFingerprint());
        }
        return String.format("%016X", signature.getKeyID());
    }

    private static PGPSignature parseSignature(byte[] armored) throws IOException {
        try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(armored))) {
            Object o = new BcPGPObjectFactory(in).nextObject();
            if (o instanceof PGPSignatureList list && !list.isEmpty()) {
                return list.get(0);
            }
            return null;
        }
    }

    /** The commit as it was signed: its raw bytes without the {@code gpgsig} header and its continuation lines. */
    static byte[] signedPayload(byte[] raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length);
        int i = 0;
        boolean inSignature = false;
        while (i < raw.length) {
            int end = i;
            while (end < raw.length && raw[end] != '\n') {
                end++;
            }
            int next = Math.min(end + 1, raw.length);
            if (end == i) { // the blank line: headers are over, the message follows unchanged
                out.write(raw, i, raw.length - i);
                return out.toByteArray();
            }
            boolean continuation = raw[i] == ' ';
            if (!continuation) {
                inSignature = startsWith(raw, i, "gpgsig ");
            }
            if (!inSignature) {
                out.write(raw, i, next - i);
            }
            i = next;
        }
        return out.toByteArray();
    }

    private static boolean startsWith(byte[] raw, int at, String prefix) {
        byte[] p = prefix.getBytes(StandardCharsets.US_ASCII);
        if (at + p.length > raw.length) {
            return false;
        }
        for (int k = 0; k < p.length; k++) {
            if (raw[at + k] != p[k]) {
                return false;
            }
        }
        return true;
    }

    /** Every public key ring in the file: binary, or one or more ASCII-armored blocks one after another. */
    private static PGPPublicKeyRingCollection load(Path file) throws IOException, PGPException {
        byte[] bytes = Files.readAllBytes(file);
        String text = new String(bytes, StandardCharsets.US_ASCII);
        List<PGPPublicKeyRing> rings = new ArrayList<>();
        if (text.contains(BEGIN)) {
            // Concatenated armored blocks: decode each on its own (one decoder stops at the first block's end).
            int at = text.indexOf(BEGIN);
            while (at >= 0) {
                int next = text.indexOf(BEGIN, at + BEGIN.length());
                String block = next < 0 ? text.substring(at) : text.substring(at, next);
                addRings(block.getBytes(StandardCharsets.US_ASCII), rings);
                at = next;
            }
        } else {
            addRings(bytes, rings);
        }
        return new PGPPublicKeyRingCollection(rings);
    }

    private static void addRings(byte[] data, List<PGPPublicKeyRing> into) throws IOException, PGPException {
        try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(data))) {
            PGPPublicKeyRingCollection c = new PGPPublicKeyRingCollection(in, new BcKeyFingerprintCalculator());
            c.getKeyRings().forEachRemaining(into::add);
        }
    }
}
