import { imageOccurrence, type ImageOccurrence } from '../image-occurrence.js';
import type { HclBlock, HclFile } from '../terraform.js';

/**
 * Resources whose `image` names a virtual machine's or a disk's OS image of the cloud (a GCE image
 * family, a droplet slug, `ubuntu-22.04`, an LXD alias), not a container image.
 */
const MACHINE_IMAGE_RESOURCES = new Set([
  'google_compute_disk', 'google_compute_region_disk', 'digitalocean_droplet', 'hcloud_server', 'linode_instance', 'linode_instance_disk',
  'scaleway_instance_server', 'brightbox_server', 'triton_machine', 'ibm_is_instance', 'harvester_virtualmachine',
  'lxd_instance', 'lxd_container', 'incus_instance', 'multipass_instance',
]);
/** Blocks whose `image` is a machine image: a GCE boot disk's `initialize_params`, a droplet autoscale pool's `droplet_template`. */
const MACHINE_IMAGE_BLOCKS = new Set(['initialize_params', 'droplet_template']);

/**
 * `image = "…"` attributes with literal values (kubernetes_deployment, docker_container, Cloud Run,
 * module inputs; ECS task JSON excepted), not the OS images of virtual machines and disks.
 */
export function terraformImages(hcl: HclFile): ImageOccurrence[] {
  const found: ImageOccurrence[] = [];
  // a stack, not recursion: the parser reads blocks nested any depth (100,000 levels overflowed here)
  const pending: Array<{ block: HclBlock; machine: boolean }> = [{ block: hcl.body, machine: false }];
  while (pending.length > 0) {
    const { block, machine } = pending.pop()!;
    const isMachine = machine || MACHINE_IMAGE_BLOCKS.has(block.type)
      || ((block.type === 'resource' || block.type === 'data') && MACHINE_IMAGE_RESOURCES.has(block.labels[0] ?? ''));
    if (!isMachine) {
      for (const attribute of block.attributes) {
        if (attribute.name !== 'image' || attribute.stringValue === undefined || !attribute.stringSpan) continue;
        const occurrence = imageOccurrence({
          file: hcl.file,
          source: 'terraform',
          text: attribute.stringValue,
          span: attribute.stringSpan,
          context: `${block.type} ${block.labels.join('.')}`.trim(),
          pin: { kind: 'text', span: attribute.stringSpan },
        });
        if (occurrence) found.push(occurrence);
      }
    }
    // reversed, so blocks come off the stack in file order
    for (let index = block.blocks.length - 1; index >= 0; index -= 1) pending.push({ block: block.blocks[index]!, machine: isMachine });
  }
  return found;
}
