// Class names for `netc run --labels imagenet`: torchvision's ImageNet categories.
import { IMAGENET_CLASSES } from "./imagenet-classes.js";

export const imagenetClasses = (): string[] => [...IMAGENET_CLASSES];
