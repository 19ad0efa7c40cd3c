/**
 * The images module's public face: everything Vireo does with qemu-img. Each operation lives
 * in its own file; this one only gathers them for callers.
 */
export { convertImage, progressParser, type ConvertImageOptions } from './image-convert'
export { createImage, type CreateImageOptions } from './image-create'
export {
  imageInfo,
  importFormats,
  type DiskImageFormat,
  type ImageChainEntry,
  type ImageInfo,
  type ImageInfoOptions,
  type ImportFormat,
} from './image-info'
export { resizeImage } from './image-resize'
export { QEMU_IMG } from './qemu-img-errors'
