import type { Product } from './plant-model.js';

/*
 * The catalogue of the products the demo plant is built from: what each maker's record says about
 * them (brand, model, rated power, warranty, unit price).
 */

export const MODULE: Product = {
  brand: 'Luxsolar',
  model: 'LX-550M-72H',
  productName: 'Monocrystalline PERC module 550 W',
  ratedPowerW: 550,
  warrantyYears: 25,
  unitPriceFen: 49_500,
};
export const MODULE_V2: Product = {
  brand: 'Luxsolar',
  model: 'LX-555M-72H',
  productName: 'Monocrystalline PERC module 555 W',
  ratedPowerW: 555,
  warrantyYears: 25,
  unitPriceFen: 44_400,
};
export const INVERTER: Product = {
  brand: 'Sunvolt',
  model: 'SV-150K-HV',
  productName: 'String inverter 150 kW',
  ratedPowerW: 150_000,
  warrantyYears: 10,
  unitPriceFen: 3_000_000,
};
export const COMBINER: Product = {
  brand: 'Gridline',
  model: 'GL-CB-6',
  productName: 'DC combiner box, 6 inputs',
  ratedPowerW: null,
  warrantyYears: 5,
  unitPriceFen: 350_000,
};
export const TRANSFORMER: Product = {
  brand: 'Huaxin Electric',
  model: 'SCB13-1250/35',
  productName: 'Step-up transformer 1250 kVA, 0.8/35 kV',
  ratedPowerW: 1_250_000,
  warrantyYears: 20,
  unitPriceFen: 35_000_000,
};
export const METER: Product = {
  brand: 'Gridline',
  model: 'GL-M3-02S',
  productName: 'Bidirectional revenue meter, class 0.2S',
  ratedPowerW: null,
  warrantyYears: 8,
  unitPriceFen: 800_000,
};
