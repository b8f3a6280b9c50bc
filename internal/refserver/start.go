package refserver

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"sync"
	"time"
)

// DefaultAddr is where Start listens when given an empty address: loopback,
// on a port the kernel picks.
const DefaultAddr = "127.0.0.1:0"

// shutdownGrace bounds how long Close waits for requests in flight.
const shutdownGrace = 5 * time.Second

// Running is a Server listening on a socket, started by Start.
type Running struct {
	// URL is the base URL of the API, ending in "/v1",
	// e.g. "http://127.0.0.1:41234/v1".
	URL string
	// Addr is the address the server listens on.
	Addr net.Addr
	// Server is the handler, for its Stats.
	Server *Server
	// CACertPEM is the PEM certificate a client must trust when the server
	// runs TLS (the certificate is self-signed, so it is its own CA); nil
	// without TLS.
	CACertPEM []byte

	srv    *http.Server
	cancel context.CancelFunc
	done   chan struct{} // closed when Serve has returned
	fresh  *fresh        // connections that never carried a request
	err    error         // Serve's error, set before done is closed

	closeOnce sync.Once
	closeErr  error
}

// Start creates a Server for cfg, listens on addr ("" means DefaultAddr) and
// serves until ctx is done or Close is called. With tlsOn it serves HTTPS,
// HTTP/2 included, with a fresh self-signed certificate for 127.0.0.1, ::1
// and localhost. Request contexts derive from ctx, so cancelling it also ends
// latency and stall waits.
func Start(ctx context.Context, cfg Config, addr string, tlsOn bool) (*Running, error) {
	s, err := New(cfg)
	if err != nil {
		return nil, err
	}
	if addr == "" {
		addr = DefaultAddr
	}
	var tlsCfg *tls.Config
	var caPEM []byte
	if tlsOn {
		cert, pemBytes, err := selfSignedCert(time.Now())
		if err != nil {
			return nil, fmt.Errorf("refserver: %w", err)
		}
		tlsCfg = &tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: []string{"h2", "http/1.1"}, MinVersion: tls.VersionTLS12}
		caPEM = pemBytes
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("refserver: listen: %w", err)
	}
	sctx, cancel := context.WithCancel(ctx)
	srv := &http.Server{
		Handler:           s,
		TLSConfig:         tlsCfg,
		ReadHeaderTimeout: 10 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return sctx },
	}
	// HTTP/1.1 and HTTP/2, over TLS or in clear text with prior knowledge
	// (h2c), so that a client's `http2: on` can be tested without TLS.
	srv.Protocols = new(http.Protocols)
	srv.Protocols.SetHTTP1(true)
	srv.Protocols.SetHTTP2(true)
	srv.Protocols.SetUnencryptedHTTP2(true)
	// Shutdown waits up to five seconds for a connection that was opened but
	// never carried a request (a client's spare); track those so Close can
	// drop them at once instead.
	idle := &fresh{conns: map[net.Conn]struct{}{}}
	srv.ConnState = idle.track
	scheme := "http"
	if tlsOn {
		scheme = "https"
	}
	run := &Running{
		URL:       scheme + "://" + ln.Addr().String() + BasePath,
		Addr:      ln.Addr(),
		Server:    s,
		CACertPEM: caPEM,
		srv:       srv,
		cancel:    cancel,
		done:      make(chan struct{}),
		fresh:     idle,
	}
	go run.serve(ln, tlsOn)
	go func() {
		select {
		case <-sctx.Done():
			_ = run.Close() // the error is kept for whoever calls Close
		case <-run.done:
		}
	}()
	return run, nil
}

func (r *Running) serve(ln net.Listener, tlsOn bool) {
	defer close(r.done)
	var err error
	if tlsOn {
		err = r.srv.ServeTLS(ln, "", "")
	} else {
		err = r.srv.Serve(ln)
	}
	if !errors.Is(err, http.ErrServerClosed) {
		r.err = err
	}
}

// Close stops the server: it stops accepting, cancels the request contexts
// (ending fault waits), waits up to five seconds for requests in flight and
// then drops the rest. It returns the first error of serving or stopping;
// calling it again returns the same error.
func (r *Running) Close() error {
	r.closeOnce.Do(func() {
		r.cancel()
		r.fresh.closeAll()
		ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
		defer cancel()
		err := r.srv.Shutdown(ctx)
		if err != nil {
			err = errors.Join(err, r.srv.Close())
		}
		<-r.done
		r.closeErr = errors.Join(r.err, err)
	})
	return r.closeErr
}

// Done returns a channel closed once the server has stopped serving.
func (r *Running) Done() <-chan struct{} { return r.done }

// WriteCA writes CACertPEM to path (mode 0644), for a client's ca_file.
func (r *Running) WriteCA(path string) error {
	if len(r.CACertPEM) == 0 {
		return errors.New("refserver: the server does not run TLS, so it has no certificate to write")
	}
	if err := os.WriteFile(path, r.CACertPEM, 0o644); err != nil {
		return fmt.Errorf("refserver: writing the CA certificate: %w", err)
	}
	return nil
}

// fresh tracks the connections that have not yet carried a request.
type fresh struct {
	mu     sync.Mutex
	conns  map[net.Conn]struct{}
	closed bool
}

func (f *fresh) track(c net.Conn, st http.ConnState) {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case st == http.StateNew && f.closed:
		c.Close()
	case st == http.StateNew:
		f.conns[c] = struct{}{}
	default:
		delete(f.conns, c)
	}
}

// closeAll closes every connection that never carried a request, and any
// that arrives from now on.
func (f *fresh) closeAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.closed = true
	for c := range f.conns {
		c.Close()
	}
	clear(f.conns)
}
