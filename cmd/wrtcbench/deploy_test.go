package main

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/wrtcbench/wrtcbench/internal/scenarios"
)

// The Kubernetes manifests (deploy/kubernetes) and the Dockerfiles must agree
// with the CLI: these tests read them as Kubernetes and a builder would, and
// parse every wrtcbench command line with the command's own flag set.

// k8sObject is the part of a Kubernetes object the tests read.
type k8sObject struct {
	Kind     string `yaml:"kind"`
	Metadata struct {
		Name string `yaml:"name"`
	} `yaml:"metadata"`
	Data       map[string]string `yaml:"data"`
	StringData map[string]string `yaml:"stringData"`
	Spec       struct {
		CompletionMode string `yaml:"completionMode"`
		Completions    int    `yaml:"completions"`
		Parallelism    int    `yaml:"parallelism"`
		Template       struct {
			Metadata struct {
				Annotations map[string]string `yaml:"annotations"`
			} `yaml:"metadata"`
			Spec struct {
				InitContainers []k8sContainer `yaml:"initContainers"`
				Containers     []k8sContainer `yaml:"containers"`
				Volumes        []struct {
					Name      string `yaml:"name"`
					ConfigMap *struct {
						Name string `yaml:"name"`
					} `yaml:"configMap"`
					PersistentVolumeClaim *struct {
						ClaimName string `yaml:"claimName"`
					} `yaml:"persistentVolumeClaim"`
				} `yaml:"volumes"`
			} `yaml:"spec"`
		} `yaml:"template"`
	} `yaml:"spec"`
}

type k8sContainer struct {
	Name  string   `yaml:"name"`
	Image string   `yaml:"image"`
	Args  []string `yaml:"args"`
	Env   []struct {
		Name      string `yaml:"name"`
		Value     string `yaml:"value"`
		ValueFrom *struct {
			FieldRef *struct {
				FieldPath string `yaml:"fieldPath"`
			} `yaml:"fieldRef"`
			ConfigMapKeyRef *k8sKeyRef `yaml:"configMapKeyRef"`
			SecretKeyRef    *k8sKeyRef `yaml:"secretKeyRef"`
		} `yaml:"valueFrom"`
	} `yaml:"env"`
	Ports []struct {
		ContainerPort int `yaml:"containerPort"`
	} `yaml:"ports"`
	VolumeMounts []struct {
		Name      string `yaml:"name"`
		MountPath string `yaml:"mountPath"`
	} `yaml:"volumeMounts"`
}

type k8sKeyRef struct {
	Name string `yaml:"name"`
	Key  string `yaml:"key"`
}

// manifests reads every object of deploy/kubernetes/*.yaml, by kind and name.
func manifests(t *testing.T) map[string]*k8sObject {
	t.Helper()
	files, err := filepath.Glob("../../deploy/kubernetes/*.yaml")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	out := map[string]*k8sObject{}
	for _, f := range files {
		fh, err := os.Open(f)
		require.NoError(t, err)
		dec := yaml.NewDecoder(fh)
		for {
			var o k8sObject
			err := dec.Decode(&o)
			if errors.Is(err, io.EOF) {
				break
			}
			require.NoError(t, err, f)
			out[o.Kind+"/"+o.Metadata.Name] = &o
		}
		fh.Close()
	}
	return out
}

// completionIndex is the annotation an Indexed Job's pod carries its index in.
const completionIndex = "metadata.annotations['batch.kubernetes.io/job-completion-index']"

// env resolves c's environment as Kubernetes would for the pod of index
// idx: each ConfigMap or Secret key it names must exist.
func env(t *testing.T, objs map[string]*k8sObject, c k8sContainer, idx int) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, e := range c.Env {
		switch vf := e.ValueFrom; {
		case vf == nil:
			out[e.Name] = e.Value
		case vf.FieldRef != nil:
			require.Equal(t, completionIndex, vf.FieldRef.FieldPath, "%s: the only field a container reads is its completion index", e.Name)
			out[e.Name] = strconv.Itoa(idx)
		case vf.ConfigMapKeyRef != nil:
			cm := objs["ConfigMap/"+vf.ConfigMapKeyRef.Name]
			require.NotNil(t, cm, "%s: no ConfigMap %s", e.Name, vf.ConfigMapKeyRef.Name)
			v, ok := cm.Data[vf.ConfigMapKeyRef.Key]
			require.True(t, ok, "%s: ConfigMap %s has no key %s", e.Name, vf.ConfigMapKeyRef.Name, vf.ConfigMapKeyRef.Key)
			out[e.Name] = v
		case vf.SecretKeyRef != nil:
			s := objs["Secret/"+vf.SecretKeyRef.Name]
			require.NotNil(t, s, "%s: no Secret %s", e.Name, vf.SecretKeyRef.Name)
			_, ok := s.StringData[vf.SecretKeyRef.Key]
			require.True(t, ok, "%s: Secret %s has no key %s", e.Name, vf.SecretKeyRef.Name, vf.SecretKeyRef.Key)
			out[e.Name] = "secret-" + vf.SecretKeyRef.Key
		}
	}
	return out
}

var k8sRef = regexp.MustCompile(`\$\(([A-Za-z_][A-Za-z0-9_]*)\)`)

// expand replaces $(NAME) in args as Kubernetes does; a name the container
// does not define would be left as it is, so it fails the test.
func expand(t *testing.T, args []string, vars map[string]string) []string {
	t.Helper()
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = k8sRef.ReplaceAllStringFunc(a, func(ref string) string {
			name := k8sRef.FindStringSubmatch(ref)[1]
			v, ok := vars[name]
			if !ok {
				t.Errorf("%q refers to $(%s), which the container does not define", a, name)
			}
			return v
		})
	}
	return out
}

// mountOf returns the path c mounts volume name at.
func mountOf(t *testing.T, c k8sContainer, name string) string {
	t.Helper()
	for _, m := range c.VolumeMounts {
		if m.Name == name {
			return m.MountPath
		}
	}
	t.Fatalf("container %s does not mount volume %s", c.Name, name)
	return ""
}

// under reports whether path is inside dir.
func under(path, dir string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && !strings.HasPrefix(rel, "..")
}

// job returns the Job whose pods run wrtcbench COMMAND, and that container.
func job(t *testing.T, objs map[string]*k8sObject, command string) (*k8sObject, k8sContainer) {
	t.Helper()
	for _, o := range objs {
		if o.Kind != "Job" {
			continue
		}
		for _, c := range o.Spec.Template.Spec.Containers {
			if len(c.Args) > 0 && c.Args[0] == command {
				return o, c
			}
		}
	}
	t.Fatalf("no Job runs wrtcbench %s", command)
	return nil, k8sContainer{}
}

// volumes returns the Job's volumes: name → the ConfigMap or the claim it is.
func volumes(o *k8sObject) (configMaps, claims map[string]string) {
	configMaps, claims = map[string]string{}, map[string]string{}
	for _, v := range o.Spec.Template.Spec.Volumes {
		if v.ConfigMap != nil {
			configMaps[v.Name] = v.ConfigMap.Name
		}
		if v.PersistentVolumeClaim != nil {
			claims[v.Name] = v.PersistentVolumeClaim.ClaimName
		}
	}
	return configMaps, claims
}

func TestKubernetesManifestsAgreeWithTheCLI(t *testing.T) {
	objs := manifests(t)
	shards, sc := job(t, objs, "run")
	n := shards.Spec.Completions
	require.Equal(t, "Indexed", shards.Spec.CompletionMode, "each shard is one index of an Indexed Job")
	require.Greater(t, n, 1)
	require.Equal(t, n, shards.Spec.Parallelism, "every shard runs at once: parallelism = completions")
	configMaps, claims := volumes(shards)
	require.Len(t, claims, 1, "one results volume")
	var resultsVol, claim string
	for v, c := range claims {
		resultsVol, claim = v, c
	}
	require.NotNil(t, objs["PersistentVolumeClaim/"+claim], "the results claim %s is a manifest", claim)
	results := mountOf(t, sc, resultsVol)

	var outs []string
	for i := range n {
		vars := env(t, objs, sc, i)
		args := expand(t, sc.Args[1:], vars)
		var o runOptions
		fs := newFlagSet("run", io.Discard)
		o.flags(fs)
		files, err := parseInterleaved(fs, args)
		require.NoError(t, err, "run %v", args)
		assert.Equal(t, shard{I: uint64(i), N: uint64(n)}, o.shard, "pod %d is shard %d/%d: --shard's N is the completions", i, i, n)
		assert.False(t, o.startAt.t.IsZero(), "the shards start together: --start-at")
		require.True(t, under(o.out, results), "--out %s is on the results volume (%s)", o.out, results)
		assert.NotContains(t, outs, o.out, "each shard writes its own folder")
		outs = append(outs, o.out)

		// Prometheus scrapes the port the metrics are served on.
		_, port, ok := strings.Cut(o.metricsAddr, ":")
		require.True(t, ok, "--metrics-addr %q", o.metricsAddr)
		ann := shards.Spec.Template.Metadata.Annotations
		assert.Equal(t, "true", ann["prometheus.io/scrape"])
		assert.Equal(t, port, ann["prometheus.io/port"])
		require.NotEmpty(t, sc.Ports)
		assert.Equal(t, port, strconv.Itoa(sc.Ports[0].ContainerPort))

		// The scenario is the ConfigMap's, and parses with the variables
		// the container defines: the ${NAME}s it expands are set there.
		require.Len(t, files, 1)
		var cm *k8sObject
		var key string
		for v, name := range configMaps {
			if m := mountOf(t, sc, v); under(files[0], m) {
				cm, key = objs["ConfigMap/"+name], strings.TrimPrefix(files[0], m+"/")
			}
		}
		require.NotNil(t, cm, "the scenario %s is on a ConfigMap volume", files[0])
		text, ok := cm.Data[key]
		require.True(t, ok, "ConfigMap %s has no key %s", cm.Metadata.Name, key)
		s, err := scenarios.Parse(files[0], []byte(text), func(name string) (string, bool) {
			v, ok := vars[name]
			return v, ok
		})
		require.NoError(t, err)
		require.NoError(t, o.apply(s))
		// Every WRTC_ variable is one the CLI reads, or one the scenario expands.
		for name := range vars {
			if strings.HasPrefix(name, "WRTC_") && name != "WRTC_USERNAME" && name != "WRTC_PASSWORD" {
				assert.Contains(t, text, "${"+name+"}", "%s is set but neither the CLI nor the scenario reads it", name)
			}
		}
		for _, name := range []string{"WRTC_USERNAME", "WRTC_PASSWORD", "WRTC_ACCOUNT_ID"} {
			assert.Equal(t, "secret-", vars[name][:min(7, len(vars[name]))], "%s comes from the Secret", name)
		}
	}

	// The merge Job merges exactly those folders, from the same volume.
	merge, mc := job(t, objs, "merge")
	_, mclaims := volumes(merge)
	var mvol string
	for v, c := range mclaims {
		if c == claim {
			mvol = v
		}
	}
	require.NotEmpty(t, mvol, "the merge Job mounts the results claim %s", claim)
	require.Equal(t, results, mountOf(t, mc, mvol), "at the same path")
	var o mergeOptions
	fs := newFlagSet("merge", io.Discard)
	o.flags(fs)
	dirs, err := parseInterleaved(fs, expand(t, mc.Args[1:], env(t, objs, mc, 0)))
	require.NoError(t, err)
	assert.Equal(t, outs, dirs, "merge reads every shard's folder, once")
	assert.True(t, under(o.out, results) && !slices.Contains(outs, o.out), "--out %s: its own folder on the volume", o.out)
	for _, ic := range merge.Spec.Template.Spec.InitContainers {
		vars := env(t, objs, ic, 0)
		if v, ok := vars["SHARDS"]; ok {
			assert.Equal(t, strconv.Itoa(n), v, "the wait counts the shards")
		}
	}
}

// dockerfile reads a Dockerfile's instructions of its last stage (the
// image), joining continued lines.
func dockerfile(t *testing.T, path string) (all, final []string) {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var lines []string
	cur := ""
	for _, l := range strings.Split(string(data), "\n") {
		l = strings.TrimSpace(l)
		if strings.HasPrefix(l, "#") || (l == "" && cur == "") {
			continue
		}
		if strings.HasSuffix(l, "\\") {
			cur += strings.TrimSuffix(l, "\\") + " "
			continue
		}
		lines = append(lines, cur+l)
		cur = ""
	}
	for i, l := range lines {
		if strings.HasPrefix(strings.ToUpper(l), "FROM ") {
			final = lines[i:]
		}
	}
	return lines, final
}

func TestDockerfiles(t *testing.T) {
	for _, tc := range []struct {
		file, base string
	}{
		{"../../Dockerfile", "gcr.io/distroless/static"},
		{"../../Dockerfile.local", "scratch"},
	} {
		t.Run(filepath.Base(tc.file), func(t *testing.T) {
			all, final := dockerfile(t, tc.file)
			require.NotEmpty(t, final)
			assert.Contains(t, final[0], tc.base, "the image is a static binary on %s", tc.base)
			has := func(prefix string) string {
				for _, l := range final {
					if strings.HasPrefix(l, prefix) {
						return l
					}
				}
				return ""
			}
			user := strings.TrimPrefix(has("USER "), "USER ")
			require.NotEmpty(t, user, "a USER")
			assert.NotContains(t, []string{"root", "0", "0:0"}, user, "not root")
			assert.Equal(t, `ENTRYPOINT ["/usr/local/bin/wrtcbench"]`, has("ENTRYPOINT "))
			assert.Regexp(t, `^COPY .*wrtcbench /usr/local/bin/wrtcbench$`, has("COPY --from=build ")+has("COPY wrtcbench "))
			assert.Contains(t, has("EXPOSE "), "9464", "the metrics port of the manifests")
			if tc.base == "scratch" {
				assert.NotEmpty(t, has("COPY ca-certificates.crt /etc/ssl/certs/"), "CA certificates for https targets")
				return
			}
			build := strings.Join(all, "\n")
			assert.Contains(t, build, "CGO_ENABLED=0", "a static binary")
			assert.Contains(t, build, "./cmd/wrtcbench")
			assert.Contains(t, build, "ARG GO_VERSION="+goVersion(t), "the go.mod's Go")
		})
	}
}

// goVersion returns go.mod's go directive as major.minor.
func goVersion(t *testing.T) string {
	data, err := os.ReadFile("../../go.mod")
	require.NoError(t, err)
	m := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindSubmatch(data)
	require.NotNil(t, m)
	return string(m[1])
}
