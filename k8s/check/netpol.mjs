// NetworkPolicy semantics (networking.k8s.io/v1), for checking who reaches
// what: a connection from a source to a destination port is allowed when the
// source's namespace lets it out (no policy of Egress type selects the source,
// or one of their egress rules admits the destination and port) and the
// destination's lets it in (likewise with Ingress). Only the policies of the
// rendered namespace are known: pods of other namespaces are taken as
// unrestricted on their side.

// A pod: {name, namespace, namespaceLabels, labels, ip, ports: [{name, port, protocol}]}.
// An address outside the cluster: {name, ip, ports} (no namespace).

export function selects(selector, labels) {
  if (!selector) return true;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    if (labels?.[k] !== v) return false;
  }
  for (const e of selector.matchExpressions ?? []) {
    const has = labels && Object.hasOwn(labels, e.key);
    const value = has ? labels[e.key] : undefined;
    switch (e.operator) {
      case "In":
        if (!has || !(e.values ?? []).includes(value)) return false;
        break;
      case "NotIn":
        if (has && (e.values ?? []).includes(value)) return false;
        break;
      case "Exists":
        if (!has) return false;
        break;
      case "DoesNotExist":
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

function ipToInt(ip) {
  return ip.split(".").reduce((n, part) => n * 256 + Number(part), 0);
}

export function inCidr(ip, cidr) {
  if (!ip || !cidr || cidr.includes(":") || ip.includes(":")) return false;
  const [base, bits] = cidr.split("/");
  const size = 2 ** (32 - Number(bits));
  const start = Math.floor(ipToInt(base) / size) * size;
  const n = ipToInt(ip);
  return n >= start && n < start + size;
}

// Whether `peer` (a from/to entry) names `endpoint`, for a policy in `namespace`.
function peerMatches(peer, endpoint, namespace) {
  if (peer.ipBlock) {
    if (!inCidr(endpoint.ip, peer.ipBlock.cidr)) return false;
    return !(peer.ipBlock.except ?? []).some((c) => inCidr(endpoint.ip, c));
  }
  if (!endpoint.namespace) return false; // outside the cluster: only ipBlock names it
  if (peer.namespaceSelector) {
    if (!selects(peer.namespaceSelector, endpoint.namespaceLabels)) return false;
  } else if (endpoint.namespace !== namespace) {
    return false;
  }
  return selects(peer.podSelector ?? {}, endpoint.labels);
}

// Whether a rule's ports admit `port` (a number) of `protocol` on `target`
// (whose named ports resolve a name).
function portMatches(ports, port, protocol, target) {
  if (!ports || ports.length === 0) return true;
  return ports.some((p) => {
    if ((p.protocol ?? "TCP") !== protocol) return false;
    if (p.port === undefined) return true;
    let number = p.port;
    if (typeof number === "string") {
      const named = (target.ports ?? []).find((q) => q.name === number && (q.protocol ?? "TCP") === protocol);
      if (!named) return false;
      number = named.port;
    }
    return p.endPort ? port >= number && port <= p.endPort : port === number;
  });
}

function isolatedBy(policies, pod, type) {
  return policies.filter(
    (p) =>
      p.metadata.namespace === pod.namespace &&
      selects(p.spec.podSelector, pod.labels) &&
      (p.spec.policyTypes ?? (type === "Ingress" ? ["Ingress"] : p.spec.egress ? ["Egress"] : [])).includes(type),
  );
}

// Whether `source` may open a connection to `port`/`protocol` of `destination`
// under `policies` (all of the rendered namespace `namespace`).
export function allowed(policies, namespace, source, destination, port, protocol = "TCP") {
  if (source.namespace === namespace) {
    const egress = isolatedBy(policies, source, "Egress");
    if (
      egress.length > 0 &&
      !egress.some((p) =>
        (p.spec.egress ?? []).some(
          (rule) =>
            (!rule.to || rule.to.length === 0 || rule.to.some((peer) => peerMatches(peer, destination, p.metadata.namespace))) &&
            portMatches(rule.ports, port, protocol, destination),
        ),
      )
    ) {
      return false;
    }
  }
  if (destination.namespace === namespace) {
    const ingress = isolatedBy(policies, destination, "Ingress");
    if (
      ingress.length > 0 &&
      !ingress.some((p) =>
        (p.spec.ingress ?? []).some(
          (rule) =>
            (!rule.from || rule.from.length === 0 || rule.from.some((peer) => peerMatches(peer, source, p.metadata.namespace))) &&
            portMatches(rule.ports, port, protocol, destination),
        ),
      )
    ) {
      return false;
    }
  }
  return true;
}
