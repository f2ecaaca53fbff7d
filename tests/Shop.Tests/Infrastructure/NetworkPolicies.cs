using System.Globalization;
using k8s.Models;

namespace Shop.Tests.Infrastructure;

/// <summary>
/// A pod that traffic comes from or goes to: in a namespace with labels, with named ports; or, with no namespace, an
/// address outside the cluster (a managed database, say).
/// </summary>
public sealed record PolicyPeer(string? Namespace, IReadOnlyDictionary<string, string> Labels, IReadOnlyDictionary<string, int> NamedPorts)
{
    public static PolicyPeer Outside { get; } = new(null, new Dictionary<string, string>(), new Dictionary<string, int>());

    public static PolicyPeer Pod(string @namespace, string name, IReadOnlyDictionary<string, int>? namedPorts = null) =>
        new(@namespace, new Dictionary<string, string> { ["app.kubernetes.io/name"] = name }, namedPorts ?? new Dictionary<string, int>());
}

/// <summary>
/// What a cluster's network plugin would let through under a set of NetworkPolicies, as the Kubernetes documentation
/// defines it: a connection passes when the source's egress and the destination's ingress both allow it, and a side that
/// no policy of its kind selects allows everything. IP blocks are not modelled: the shop's policies use none.
/// </summary>
public sealed class NetworkPolicies(IReadOnlyList<V1NetworkPolicy> policies)
{
    public bool Allow(PolicyPeer from, PolicyPeer to, int port, string protocol = "TCP") =>
        Allows("Egress", from, to, port, protocol) && Allows("Ingress", from, to, port, protocol);

    private bool Allows(string direction, PolicyPeer from, PolicyPeer to, int port, string protocol)
    {
        var (subject, other) = direction == "Ingress" ? (to, from) : (from, to);
        if (subject.Namespace is null)
        {
            return true;
        }

        var selecting = policies
            .Where(policy => policy.Metadata.NamespaceProperty == subject.Namespace && TypesOf(policy).Contains(direction)
                && Selects(policy.Spec.PodSelector, subject.Labels))
            .ToList();
        return selecting.Count == 0 || selecting.Any(policy => direction == "Ingress"
            ? (policy.Spec.Ingress ?? []).Any(rule => AnyPeer(rule.FromProperty, policy, other) && AnyPort(rule.Ports, to, port, protocol))
            : (policy.Spec.Egress ?? []).Any(rule => AnyPeer(rule.To, policy, other) && AnyPort(rule.Ports, to, port, protocol)));
    }

    private static IList<string> TypesOf(V1NetworkPolicy policy) =>
        policy.Spec.PolicyTypes ?? (policy.Spec.Egress is null ? ["Ingress"] : ["Ingress", "Egress"]);

    private static bool AnyPeer(IList<V1NetworkPolicyPeer>? peers, V1NetworkPolicy policy, PolicyPeer pod) =>
        peers is null || peers.Count == 0 || peers.Any(peer =>
        {
            if (peer.IpBlock is not null)
            {
                throw new InvalidOperationException($"{policy.Metadata.Name} has an ipBlock, which this model does not judge.");
            }

            if (pod.Namespace is null)
            {
                return false;
            }

            var inNamespace = peer.NamespaceSelector is null
                ? pod.Namespace == policy.Metadata.NamespaceProperty
                : Selects(peer.NamespaceSelector, new Dictionary<string, string> { ["kubernetes.io/metadata.name"] = pod.Namespace });
            return inNamespace && (peer.PodSelector is null || Selects(peer.PodSelector, pod.Labels));
        });

    private static bool AnyPort(IList<V1NetworkPolicyPort>? ports, PolicyPeer to, int port, string protocol) =>
        ports is null || ports.Count == 0 || ports.Any(rule =>
            (rule.Protocol ?? "TCP") == protocol
            && (rule.Port is null
                || (int.TryParse(rule.Port.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
                    ? number <= port && port <= (rule.EndPort ?? number)
                    : to.NamedPorts.TryGetValue(rule.Port.Value, out var named) && named == port)));

    private static bool Selects(V1LabelSelector selector, IReadOnlyDictionary<string, string> labels) =>
        (selector.MatchLabels ?? new Dictionary<string, string>()).All(label => labels.TryGetValue(label.Key, out var value) && value == label.Value)
        && (selector.MatchExpressions ?? []).All(expression => expression.OperatorProperty switch
        {
            "In" => labels.TryGetValue(expression.Key, out var value) && expression.Values.Contains(value),
            "NotIn" => !labels.TryGetValue(expression.Key, out var value) || !expression.Values.Contains(value),
            "Exists" => labels.ContainsKey(expression.Key),
            "DoesNotExist" => !labels.ContainsKey(expression.Key),
            var other => throw new InvalidOperationException($"No rule for the label selector operator {other}.")
        });
}
