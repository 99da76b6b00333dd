import path from 'node:path';
import type { Severity } from '../../model/severity.js';

/** Directories that are dangerous exactly; below them, the trees and the benign list decide. */
const EXACT: Readonly<Record<string, string>> = {
  '/': "the node's whole filesystem",
  '/etc': "the node's configuration, credentials and kubeconfigs",
  '/sys': 'kernel interfaces of the node',
  '/dev': "the node's devices, including its disks",
  '/boot': "the node's kernel and boot loader",
  '/var': "the node's state, including kubelet credentials and container runtimes",
  '/var/lib': "the node's state, including kubelet credentials and container runtimes",
  '/run': "the node's runtime sockets",
  '/var/run': "the node's runtime sockets",
  '/home': "the node users' home directories",
};

/** Directories dangerous with everything under them; the most specific one decides. */
const TREES: ReadonlyArray<readonly [string, string, Severity?]> = [
  ['/etc', "a part of the node's configuration", 'medium'],
  ['/dev', 'a device of the node', 'medium'],
  ['/sys', 'kernel interfaces of the node', 'medium'],
  ['/boot', "the node's kernel and boot loader"],
  ['/usr', "the node's programs and libraries: with write access, what the node runs", 'medium'],
  ['/lib', "the node's libraries: with write access, what the node runs", 'medium'],
  ['/lib64', "the node's libraries: with write access, what the node runs", 'medium'],
  ['/bin', "the node's programs: with write access, what the node runs", 'medium'],
  ['/sbin', "the node's programs: with write access, what the node runs", 'medium'],
  ['/lib/modules', "the node's kernel modules (loading them also needs SYS_MODULE)", 'low'],
  ['/usr/libexec/kubernetes', 'kubelet volume plugins, which the kubelet runs as root'],
  ['/opt/cni/bin', 'the CNI plugin binaries, which the kubelet runs as root for every pod'],
  ['/etc/cni', "the CNI configuration: the network of every pod on the node"],
  ['/proc', "the host's processes, their memory and environment"],
  ['/proc/sys', 'kernel parameters (sysctls) of the node'],
  ['/var/lib/kubelet/device-plugins', "the kubelet's device plugin socket: it can register devices with the kubelet", 'medium'],
  ['/var/lib/kubelet/plugins_registry', "the kubelet's plugin registration socket: it can register storage drivers with the kubelet", 'medium'],
  ['/var/lib/kubelet/plugins', "the kubelet's storage driver sockets", 'medium'],
  ['/var/lib/kubelet', "kubelet credentials and every pod's volumes and Secrets"],
  ['/var/lib/etcd', 'the etcd data directory, which holds every Secret of the cluster'],
  ['/etc/kubernetes', 'cluster certificates and admin kubeconfigs'],
  ['/var/lib/rancher', 'k3s/RKE2 state, tokens and certificates'],
  ['/etc/rancher', 'k3s/RKE2 kubeconfigs'],
  ['/var/lib/docker', "the container runtime's images and container filesystems"],
  ['/var/lib/containerd', "the container runtime's images and container filesystems"],
  ['/run/containerd', 'the containerd socket'],
  ['/var/run/containerd', 'the containerd socket'],
  ['/run/crio', 'the CRI-O socket'],
  ['/var/run/crio', 'the CRI-O socket'],
  ['/run/k3s', 'the k3s containerd socket'],
  ['/root', "the node's root home directory, SSH keys and credentials"],
  ['/etc/shadow', "the node's password hashes"],
  ['/etc/sudoers', 'sudo rules of the node'],
  ['/etc/ssh', "the node's SSH configuration and host keys"],
];

/** Read by every process and harmless to share: time zones, CA bundles, the host's name. */
const BENIGN_TREES = [
  '/etc/localtime', '/etc/timezone', '/etc/ssl/certs', '/etc/pki/tls/certs', '/etc/pki/ca-trust', '/etc/ca-certificates',
  '/etc/machine-id', '/etc/os-release', '/etc/hostname', '/etc/hosts', '/etc/resolv.conf',
  '/usr/share/zoneinfo', '/usr/share/ca-certificates',
  '/dev/null', '/dev/zero', '/dev/random', '/dev/urandom', '/dev/shm', '/dev/stdout', '/dev/stderr', '/dev/log',
];
/** Devices that are the node's disks or memory, not one peripheral. */
const WHOLE_NODE_DEVICE = /^\/dev\/(?:sd|hd|vd|xvd|nvme|mmcblk|dm-|mapper(?:\/|$)|disk(?:\/|$)|mem$|kmem$|port$)/;
/** Credentials in users' home directories. */
const HOME_CREDENTIALS = /^\/(?:root|home\/[^/]+)\/\.(?:aws|ssh|kube|docker|gnupg|config\/gcloud|azure)(?:\/|$)/;
/** Any daemon's socket under the runtime directories. */
const RUN_SOCKET = /^\/(?:var\/)?run\/.+\.sock$/;

/** Container runtime API sockets anywhere: whoever talks to them starts privileged containers on the node. */
const RUNTIME_SOCKET = /(^|\/)(docker|containerd|crio|cri-dockerd|dockershim|podman|buildkitd)\.sock$/;

/**
 * Why a hostPath is sensitive, or undefined. Paths are normalised first (`//etc/`, `/var/run/../run/docker.sock`)
 * so spelling cannot hide them; relative, templated and Windows paths are left alone.
 */
export function sensitiveHostPath(raw: string): { path: string; reason: string; severity?: Severity } | undefined {
  const trimmed = raw.trim();
  if (!trimmed.startsWith('/') || trimmed.includes('{{') || trimmed.includes('${')) return undefined;
  const normalised = path.posix.normalize(trimmed).replace(/(.)\/+$/, '$1');
  if (RUNTIME_SOCKET.test(normalised)) return { path: normalised, reason: 'a container runtime socket: control of every container on the node' };
  const exact = EXACT[normalised];
  if (exact) return { path: normalised, reason: exact };
  if (BENIGN_TREES.some((root) => normalised === root || normalised.startsWith(`${root}/`))) return undefined;
  if (HOME_CREDENTIALS.test(normalised)) return { path: normalised, reason: 'credentials in a home directory of the node (cloud, SSH, kubeconfig)' };
  if (WHOLE_NODE_DEVICE.test(normalised)) return { path: normalised, reason: "the node's disks or memory" };
  if (RUN_SOCKET.test(normalised)) return { path: normalised, reason: "a host daemon's socket", severity: 'medium' };
  // the most specific tree wins: /var/lib/kubelet/device-plugins over /var/lib/kubelet
  const tree = TREES.filter(([root]) => normalised === root || normalised.startsWith(`${root}/`)).sort((a, b) => b[0].length - a[0].length)[0];
  if (!tree) return undefined;
  return { path: normalised, reason: tree[1], ...(tree[2] ? { severity: tree[2] } : {}) };
}

/** An absolute path to a container runtime socket, as charts take it in their values (`containerdSock: /run/containerd/containerd.sock`). */
export function isRuntimeSocket(value: string): boolean {
  const trimmed = value.trim();
  return trimmed.startsWith('/') && RUNTIME_SOCKET.test(path.posix.normalize(trimmed));
}
