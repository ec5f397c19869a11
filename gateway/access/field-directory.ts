import type { RegisteredField, Registry } from '../registry/index.js';

/** A registered shareable field as the gateway needs it. */
export interface DirectoryField {
  readonly name: string;
  readonly code: string;
  readonly systemCode: string;
  readonly subgraphName: string;
  readonly feeFen: number | null;
  /** As registered: the only source of what a changed value is (never the system's response). */
  readonly changePolicy: RegisteredField['changePolicy'];
}

/** Registered fields of active systems, by field name; reloaded when the registry changes. */
export interface FieldDirectory {
  byName(name: string): DirectoryField | undefined;
  reload(): Promise<void>;
}

/**
 * A field directory over the registry. It knows no field (so refuses all) until the first
 * {@link FieldDirectory.reload}, which the gateway awaits at start; then it follows the registry.
 */
export function createFieldDirectory(registry: Registry): FieldDirectory & { close(): void } {
  let fields = new Map<string, DirectoryField>();
  const reload = async (): Promise<void> => {
    const systems = new Map((await registry.listSystems('ACTIVE')).map((s) => [s.code, s]));
    const next = new Map<string, DirectoryField>();
    for (const field of await registry.listFields()) {
      const system = systems.get(field.systemCode);
      if (system)
        next.set(field.name, {
          name: field.name,
          code: field.code,
          systemCode: field.systemCode,
          subgraphName: system.subgraphName,
          feeFen: field.feeFen,
          changePolicy: field.changePolicy,
        });
    }
    fields = next;
  };
  const unsubscribe = registry.onSystemsChanged(() => void reload());
  return { byName: (name) => fields.get(name), reload, close: unsubscribe };
}
