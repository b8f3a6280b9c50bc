package refserver

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wrtcbench/wrtcbench/internal/faults"
)

func TestStartPlain(t *testing.T) {
	run, err := Start(t.Context(), Config{}, "", false)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(run.URL, "http://127.0.0.1:"), run.URL)
	require.True(t, strings.HasSuffix(run.URL, "/v1"), run.URL)
	assert.Nil(t, run.CACertPEM)
	assert.Error(t, run.WriteCA(filepath.Join(t.TempDir(), "ca.pem")), "no certificate without TLS")

	req, err := http.NewRequest("POST", run.URL+"/accounts/"+DefaultAccount+"/sessions", nil)
	require.NoError(t, err)
	req.SetBasicAuth(DefaultUsername, DefaultPassword)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, uint64(1), run.Server.Stats().Status[200])

	require.NoError(t, run.Close())
	require.NoError(t, run.Close(), "Close twice")
	_, err = http.DefaultClient.Do(req)
	assert.Error(t, err, "closed")
}

// TestStartTLS trusts only the server's own certificate, via a file written
// with WriteCA, and checks the connection negotiated HTTP/2.
func TestStartTLS(t *testing.T) {
	run, err := Start(t.Context(), Config{}, "127.0.0.1:0", true)
	require.NoError(t, err)
	defer run.Close()
	require.True(t, strings.HasPrefix(run.URL, "https://127.0.0.1:"), run.URL)

	caFile := filepath.Join(t.TempDir(), "ca.pem")
	require.NoError(t, run.WriteCA(caFile))
	pemBytes, err := os.ReadFile(caFile)
	require.NoError(t, err)
	pool := x509.NewCertPool()
	require.True(t, pool.AppendCertsFromPEM(pemBytes))
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, ForceAttemptHTTP2: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}

	for _, host := range []string{"127.0.0.1", "localhost"} {
		url := strings.Replace(run.URL, "127.0.0.1", host, 1) + "/accounts/" + DefaultAccount + "/sessions"
		req, err := http.NewRequest("POST", url, nil)
		require.NoError(t, err)
		req.SetBasicAuth(DefaultUsername, DefaultPassword)
		resp, err := client.Do(req)
		require.NoError(t, err, host)
		resp.Body.Close()
		assert.Equal(t, 200, resp.StatusCode)
		assert.Equal(t, 2, resp.ProtoMajor, "HTTP/2 over TLS")
	}
}

func TestStartStopsWithContext(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	run, err := Start(ctx, Config{}, "", false)
	require.NoError(t, err)
	cancel()
	select {
	case <-run.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("the server kept running after its context was cancelled")
	}
	require.NoError(t, run.Close())
}

func TestStartRejects(t *testing.T) {
	_, err := Start(t.Context(), Config{MaxParticipantsPerSession: -1}, "", false)
	assert.Error(t, err, "invalid config")
	_, err = Start(t.Context(), Config{}, "256.0.0.1:0", false)
	assert.Error(t, err, "bad address")
}

func TestResetOverHTTP2(t *testing.T) {
	run, err := Start(t.Context(), Config{}, "", true)
	require.NoError(t, err)
	defer run.Close()
	require.NoError(t, run.Server.SetFaults(faults.Faults{Reset: 1}))
	pool := x509.NewCertPool()
	require.True(t, pool.AppendCertsFromPEM(run.CACertPEM))
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, ForceAttemptHTTP2: true}
	defer tr.CloseIdleConnections()
	req, err := http.NewRequest("PUT", run.URL+"/accounts/"+DefaultAccount+"/sessions/s/participants/p", nil)
	require.NoError(t, err)
	req.SetBasicAuth(DefaultUsername, DefaultPassword)
	_, err = (&http.Client{Transport: tr}).Do(req)
	require.Error(t, err, "HTTP/2 cannot hijack: the stream is reset instead")
	assert.Equal(t, uint64(1), run.Server.Stats().Faults[FaultReset])
}

func TestSetFaults(t *testing.T) {
	e := newEnv(t, Config{Faults: faults.Faults{Errors: map[int]float64{500: 1}}})
	s, p := e.session(), e.participant()
	path := "sessions/" + s + "/participants/" + p
	require.Equal(t, 500, e.do(request{method: "PUT", path: path}).status)
	require.Error(t, e.rs.SetFaults(faults.Faults{Close: -1}))
	require.Equal(t, 500, e.do(request{method: "PUT", path: path}).status, "a rejected SetFaults changes nothing")
	require.NoError(t, e.rs.SetFaults(faults.Faults{}))
	require.Equal(t, 204, e.do(request{method: "PUT", path: path}).status)
}
