package runner

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"
)

// HTTP2 selects the HTTP version policy of the client.
type HTTP2 string

// The HTTP version policies.
const (
	HTTP2Auto HTTP2 = "auto" // HTTP/2 when TLS negotiates it, HTTP/1.1 otherwise
	HTTP2On   HTTP2 = "on"   // HTTP/2 over TLS, or cleartext HTTP/2 (h2c) for http:// URLs
	HTTP2Off  HTTP2 = "off"  // HTTP/1.1 only
)

// Engine selects the HTTP implementation the workers send with.
type Engine string

// The engines.
const (
	// EngineAuto sends plain-HTTP requests (http:// URLs, unless HTTP2 is
	// on) with the lean HTTP/1.1 engine of this package, and everything
	// else (TLS, HTTP/2, h2c) with net/http. It is the default.
	EngineAuto Engine = "auto"
	// EngineNetHTTP sends every request with net/http.
	EngineNetHTTP Engine = "nethttp"
)

// ClientConfig configures the HTTP client of a run. The zero value is a
// plain HTTP/1.1-or-2 client with DefaultTimeout.
type ClientConfig struct {
	Timeout            time.Duration // per request; 0 means DefaultTimeout
	Conns              int           // keep-alive connections to keep; 0 means DefaultConns
	HTTP2              HTTP2         // "" means HTTP2Auto
	InsecureSkipVerify bool
	CAFile             string // PEM file of extra roots; "" uses the system pool
	Engine             Engine // "" means EngineAuto
}

// DefaultTimeout is the per-request timeout when none is set.
const DefaultTimeout = 10 * time.Second

// DefaultConns is the keep-alive pool size when none is set.
const DefaultConns = 256

// NewClient builds the HTTP client of a run: a keep-alive pool sized to the
// concurrency, no redirects followed, no transparent compression, and the
// TLS and HTTP version settings asked for.
//
// Its Transport is a *Transport. Used as an http.RoundTripper (by
// fixtures, say) it is net/http's; the runner's workers recognise it and,
// with EngineAuto, send plain-HTTP requests on the lean HTTP/1.1 engine.
func NewClient(c ClientConfig) (*http.Client, error) {
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	if c.Conns == 0 {
		c.Conns = DefaultConns
	}
	tlsConf := &tls.Config{InsecureSkipVerify: c.InsecureSkipVerify} //nolint:gosec // the user asked for it
	if c.CAFile != "" {
		pem, err := os.ReadFile(c.CAFile)
		if err != nil {
			return nil, fmt.Errorf("tls.ca_file: %w", err)
		}
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("tls.ca_file: %s holds no PEM certificate", c.CAFile)
		}
		tlsConf.RootCAs = pool
	}
	tr := &http.Transport{
		Proxy:               nil, // load goes straight to the target
		DialContext:         countingDialer(&net.Dialer{Timeout: c.Timeout, KeepAlive: 30 * time.Second}),
		TLSClientConfig:     tlsConf,
		TLSHandshakeTimeout: c.Timeout,
		MaxIdleConns:        c.Conns,
		MaxIdleConnsPerHost: c.Conns,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
		ForceAttemptHTTP2:   true,
		// The lean engine's bound, so that both engines refuse the same heads.
		MaxResponseHeaderBytes: MaxHeadBytes,
	}
	protos := new(http.Protocols)
	switch c.HTTP2 {
	case HTTP2Off:
		protos.SetHTTP1(true)
		tr.ForceAttemptHTTP2 = false
		tr.TLSNextProto = map[string]func(string, *tls.Conn) http.RoundTripper{}
	case HTTP2On:
		protos.SetHTTP2(true)
		protos.SetUnencryptedHTTP2(true)
	case HTTP2Auto, "":
		protos.SetHTTP1(true)
		protos.SetHTTP2(true)
	default:
		return nil, fmt.Errorf("http2: %q is not one of auto, on, off", c.HTTP2)
	}
	tr.Protocols = protos
	var lean bool
	switch c.Engine {
	case EngineAuto, "":
		lean = c.HTTP2 != HTTP2On
	case EngineNetHTTP:
	default:
		return nil, fmt.Errorf("engine: %q is not one of auto, nethttp", c.Engine)
	}
	return &http.Client{
		Transport: newTransport(tr, lean, c.HTTP2 != HTTP2On),
		Timeout:   c.Timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}, nil
}
