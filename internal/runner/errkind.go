package runner

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"os"
	"syscall"
)

// ErrKind classifies a transport failure: a request that got no HTTP
// response, or one that could not be read as HTTP (ErrMalformed,
// ErrHeadTooLarge).
type ErrKind uint8

// The kinds of transport failure.
const (
	ErrNone         ErrKind = iota // a response arrived
	ErrTimeout                     // the per-request timeout expired
	ErrRefused                     // the connection was refused
	ErrReset                       // the connection was reset
	ErrEOF                         // the connection closed before a full response
	ErrTLS                         // TLS handshake or certificate failure
	ErrOther                       // anything else
	ErrCanceled                    // the run was interrupted while the request was in flight
	ErrMalformed                   // the response broke HTTP/1.1's syntax or framing (RFC 9112)
	ErrHeadTooLarge                // the response head was larger than MaxHeadBytes

	// NumErrKinds is the number of kinds, ErrNone included.
	NumErrKinds = iota
)

var errKindNames = [NumErrKinds]string{"none", "timeout", "refused", "reset", "eof", "tls", "other", "canceled",
	"malformed", "head_too_large"}

// String returns the kind's name as used in reports, e.g. "timeout".
func (k ErrKind) String() string {
	if int(k) < len(errKindNames) {
		return errKindNames[k]
	}
	return "unknown"
}

// Classify returns the kind of a transport error. ctx is the run's context:
// an error caused by its cancellation is ErrCanceled, not a failure of the
// target.
func Classify(ctx context.Context, err error) ErrKind {
	var (
		netErr   net.Error
		recErr   tls.RecordHeaderError
		certErr  *tls.CertificateVerificationError
		unkAuth  x509.UnknownAuthorityError
		hostErr  x509.HostnameError
		alertErr tls.AlertError
	)
	switch {
	case err == nil:
		return ErrNone
	case ctx.Err() != nil && errors.Is(err, context.Canceled):
		return ErrCanceled
	case errors.Is(err, errMalformed):
		return ErrMalformed
	case errors.Is(err, errHeadTooLarge):
		return ErrHeadTooLarge
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded):
		return ErrTimeout
	case errors.Is(err, syscall.ECONNREFUSED):
		return ErrRefused
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return ErrReset
	case errors.As(err, &recErr), errors.As(err, &certErr), errors.As(err, &unkAuth),
		errors.As(err, &hostErr), errors.As(err, &alertErr):
		return ErrTLS
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return ErrEOF
	case errors.As(err, &netErr) && netErr.Timeout():
		return ErrTimeout
	default:
		return ErrOther
	}
}
