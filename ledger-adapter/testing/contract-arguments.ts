/** `RegisterFields` argument: `count` fields of `systemCode`, F0001 upwards. */
export function fieldsOf(systemCode: string, count: number, feeFen = 5): string {
  return JSON.stringify({
    systemCode,
    fields: Array.from({ length: count }, (_, i) => ({
      fieldCode: `${systemCode}.F${String(i + 1).padStart(4, '0')}`,
      coordinate: `Device.field${systemCode.replaceAll('.', '')}x${i + 1}`,
      feeFen,
    })),
  });
}

/** `AnchorCommitments` argument: one commitment per device for field F0001 of `systemCode`. */
export function commitmentsOf(systemCode: string, from: number, count: number, fill = 'a'): string {
  return JSON.stringify({
    systemCode,
    commitments: Array.from({ length: count }, (_, i) => ({
      deviceId: `88.1001.1/PVM-${String(from + i).padStart(6, '0')}`,
      fieldCode: `${systemCode}.F0001`,
      commitment: fill.repeat(64),
    })),
  });
}
