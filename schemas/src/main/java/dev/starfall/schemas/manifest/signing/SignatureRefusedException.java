package dev.starfall.schemas.manifest.signing;

/** Thrown where a service must not start (or a notice must not be published) because a signature was refused. */
public final class SignatureRefusedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient SignatureCheck.Refused refusal;

    public SignatureRefusedException(SignatureCheck.Refused refusal) {
        super(refusal.message());
        this.refusal = refusal;
    }

    public SignatureCheck.Refused refusal() {
        return refusal;
    }

    public SignatureCheck.Reason reason() {
        return refusal.reason();
    }
}
