/**
 * The lifecycle: the counterpart leaves, a message is sent to them while away, they come back;
 * the counterparts' notices, lists and pending deliveries as the namespaces' onConnect and
 * onDisconnect say (the tabs' connects and disconnects are checked by the scenario).
 */
import type { CaseRunner } from '../runner.js';

export async function lifecycleCase(runner: CaseRunner): Promise<string> {
  const { sc, actor, peer } = await runner.scenario({ actorTabs: 1, peer: true, outsider: true });
  try {
    const { conversation } = await runner.prepare(sc, actor, peer, false);
    await sc.close(sc.tabs.find((t) => t.user === peer)!);
    // A message while the peer is away: pending until they come back (`markDelivered`, `pendingSenders`).
    if (conversation) await runner.sendMessage(sc, actor, peer, conversation, 'a message while the peer is away');
    await sc.open(peer);
    return `the counterparts saw ${peer.label} leave and come back as the spec says`;
  } finally {
    runner.absorb(sc);
    sc.closeAll();
  }
}
